//! How the process allocates memory, for its two lives: a short batch run (`check`) and a
//! long-lived language server.
//!
//! A batch run allocates a great deal quickly and frees little before it exits: tree-sitter
//! builds two large trees on two threads and the extractor many small values. There
//! mimalloc is much faster than glibc's allocator (a 2,000-model check: 285 ms -> 197 ms
//! median, interleaved runs on the 2-core VM): fewer instructions per allocation, and its
//! arenas use transparent huge pages, so the kernel takes one page fault where glibc took
//! 512. [`use_mimalloc_for_this_run`] switches both Rust's and tree-sitter's allocations
//! to it.
//!
//! The server stays on glibc: typing in a document allocates and frees the same amounts
//! over and over, which glibc serves from its free lists, and after a large document's
//! check [`release_freed_memory_if_large`] hands the freed memory back with `malloc_trim`
//! (mimalloc kept about 10 MiB more resident there and was no faster per edit).
//!
//! [`Allocator`] is the process's global allocator: new blocks come from the allocator
//! chosen for the run; every block is freed by the allocator that made it (mimalloc knows
//! its own address ranges), so the blocks made before the switch stay valid.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// Whether new blocks come from mimalloc. Set once, early, by a batch run; never unset.
static MIMALLOC: AtomicBool = AtomicBool::new(false);

/// The alignment every mimalloc block has whatever its size: its size classes are whole
/// machine words.
const WORD_ALIGN: usize = std::mem::size_of::<usize>();

/// The global allocator: the system's, or mimalloc for a batch run (see the module docs).
pub struct Allocator;

impl Allocator {
    /// Whether `ptr` was made by mimalloc. Only asked once mimalloc is in use: before
    /// that every block is the system allocator's.
    fn made_by_mimalloc(ptr: *mut u8) -> bool {
        // SAFETY: `mi_is_in_heap_region` only looks `ptr` up in mimalloc's page map; any
        // address may be asked.
        MIMALLOC.load(Ordering::Relaxed)
            && unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
    }
}

// SAFETY: each block is made by one of two correct allocators and freed or resized by the
// same one: `made_by_mimalloc` tells them apart by address, and the flag only goes from
// false to true, so a block made before the switch is never taken for mimalloc's.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if MIMALLOC.load(Ordering::Relaxed) {
            if layout.align() <= WORD_ALIGN {
                // SAFETY: every mimalloc block is word-aligned, so plain `mi_malloc` meets
                // this layout; it skips the aligned path's checks.
                return libmimalloc_sys::mi_malloc(layout.size()).cast();
            }
            MiMalloc.alloc(layout)
        } else {
            System.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if MIMALLOC.load(Ordering::Relaxed) {
            MiMalloc.alloc_zeroed(layout)
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if Self::made_by_mimalloc(ptr) {
            MiMalloc.dealloc(ptr, layout)
        } else {
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Self::made_by_mimalloc(ptr) {
            if layout.align() <= WORD_ALIGN {
                // SAFETY: as in `alloc`: the moved or grown block is word-aligned too.
                return libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast();
            }
            MiMalloc.realloc(ptr, layout, new_size)
        } else {
            System.realloc(ptr, layout, new_size)
        }
    }
}

/// For a process that checks and exits: new Rust blocks and every tree-sitter allocation
/// come from mimalloc from now on. Call before anything is parsed: tree-sitter frees its
/// blocks with the function it is told at the time, so no tree may exist yet.
pub fn use_mimalloc_for_this_run() {
    MIMALLOC.store(true, Ordering::Relaxed);
    // SAFETY: nothing has been parsed yet in this process (the caller's contract), so
    // no tree-sitter block exists that `mi_free` would be given; the four functions have
    // the C signatures tree-sitter expects.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: libmimalloc_sys::mi_malloc,
            calloc: libmimalloc_sys::mi_calloc,
            realloc: libmimalloc_sys::mi_realloc,
            free: libmimalloc_sys::mi_free,
        }));
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::os::raw::c_int;

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

    extern "C" {
        pub fn malloc_trim(pad: usize) -> c_int;
        pub fn mallinfo() -> MallInfo;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_block_goes_back_to_the_allocator_that_made_it() {
        // The test binary's own global allocator is the system's; `Allocator` is driven
        // directly. Only the Rust side is switched: tree-sitter is left alone here.
        let layout = Layout::from_size_align(100, 8).unwrap();
        let grown = Layout::from_size_align(5000, 8).unwrap();
        unsafe {
            let before = Allocator.alloc(layout);
            assert!(!before.is_null());
            before.write_bytes(7, 100);
            MIMALLOC.store(true, Ordering::Relaxed);
            let after = Allocator.alloc(layout);
            assert!(Allocator::made_by_mimalloc(after));
            assert!(!Allocator::made_by_mimalloc(before));
            // A block keeps its allocator when it grows, and its bytes.
            let before = Allocator.realloc(before, layout, 5000);
            assert!(!Allocator::made_by_mimalloc(before));
            assert_eq!(*before.add(99), 7);
            let after = Allocator.realloc(after, layout, 5000);
            assert!(Allocator::made_by_mimalloc(after));
            Allocator.dealloc(before, grown);
            Allocator.dealloc(after, grown);
            let zeroed = Allocator.alloc_zeroed(layout);
            assert!(Allocator::made_by_mimalloc(zeroed));
            assert_eq!(std::slice::from_raw_parts(zeroed, 100), &[0u8; 100]);
            Allocator.dealloc(zeroed, layout);
        }
    }
}
