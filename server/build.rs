//! Link the `amplint` executable at a fixed address (`-no-pie`) on Linux.
//!
//! A position-independent executable is relocated by the dynamic loader at every start:
//! this one has about 20,000 relative relocations in 360 KiB of `.data.rel.ro` (vtables,
//! string tables), and writing them faults each of those pages in, copy on write. On the
//! project's 2-core VM that is about 0.5–0.8 ms of every `amplint check` (page faults
//! 238 -> 172 for an empty file; a 200-model check 21.5 -> 20.7 ms median, interleaved
//! runs), a large share of a pre-commit run on a small schema. The code itself stays
//! position-independent (the default relocation model); only the final link resolves
//! the addresses. What is given up is address randomisation of the executable's own image
//! (shared libraries, heap and stacks are still randomised): a fair trade for a linter that
//! only reads the files it is pointed at.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    // Only where the linker driver is known to be gcc or clang (both take `-no-pie`).
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
