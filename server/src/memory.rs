//! How the process uses glibc's allocator, for its two lives: a short batch run (`check`)
//! and a long-lived language server.
//!
//! The batch run parses on two threads; glibc gives each thread its own arena, and a
//! thread arena grows its heap a few pages at a time with `mprotect`, each call taking the
//! address-space lock the other thread's page faults need. On a 2,000-model schema that
//! was an eighth of all samples. [`tune_for_batch`] makes each growth step large instead.
//!
//! The server does the opposite: a check of a large schema builds a model many times the
//! size of the text and frees it at once, and glibc would keep that memory in its arenas,
//! so [`release_freed_memory`] hands it back after each check.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::os::raw::c_int;

    pub const M_TRIM_THRESHOLD: c_int = -1;

    /// glibc's `struct mallinfo`. `mallinfo2` has wider fields but needs glibc 2.33, and
    /// Amazon Linux 2 ships 2.26; a count past 2 GiB wraps, read as large.
    #[repr(C)]
    pub struct MallInfo {
        pub arena: c_int,
        pub ordblks: c_int,
        pub smblks: c_int,
        pub hblks: c_int,
        pub hblkhd: c_int,
        pub usmblks: c_int,
        pub fsmblks: c_int,
        pub uordblks: c_int,
        pub fordblks: c_int,
        pub keepcost: c_int,
    }
    pub const M_TOP_PAD: c_int = -2;

    extern "C" {
        pub fn mallopt(param: c_int, value: c_int) -> c_int;
        pub fn malloc_trim(pad: usize) -> c_int;
        pub fn mallinfo() -> MallInfo;
    }
}

/// For a process that checks and exits: grow heaps in 64 MiB steps (glibc caps a thread
/// arena's heap at 64 MiB, so one step each) and never shrink them. Call before the work
/// starts; memory is only reserved, pages are still touched as they are used.
pub fn tune_for_batch() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const PAD: std::os::raw::c_int = 64 << 20;
        // SAFETY: `mallopt` only changes allocator parameters; it is thread-safe and valid
        // at any time.
        unsafe {
            glibc::mallopt(glibc::M_TOP_PAD, PAD);
            glibc::mallopt(glibc::M_TRIM_THRESHOLD, i32::MAX);
        }
    }
}

/// Free heap memory the server keeps for the next check instead of returning it: a check
/// of a few hundred models fits, so typing in such a document never pays for faulting its
/// pages in again; a 2,000-model check frees far more, which goes back.
const KEEP_FREE_BYTES: usize = 24 << 20;

/// Returns free heap memory to the operating system when more than [`KEEP_FREE_BYTES`] of
/// it is held. Meant for idle moments: trimming takes milliseconds on a large heap.
pub fn release_freed_memory_if_large() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallinfo` only reads the allocator's statistics (under its locks).
        let free = unsafe { glibc::mallinfo() }.fordblks;
        if usize::try_from(free).map_or(true, |free| free > KEEP_FREE_BYTES) {
            release_freed_memory();
        }
    }
}

/// Returns free heap memory to the operating system, where the allocator allows it.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: glibc's `malloc_trim` only releases pages that hold no allocation; it
        // has no preconditions and is thread-safe.
        unsafe {
            glibc::malloc_trim(0);
        }
    }
}
