//! How the process allocates memory, for its two lives: a short batch run (`check`) and a
//! long-lived language server.
//!
//! A batch run allocates a great deal quickly and frees little before it exits: tree-sitter
//! builds two large trees on two threads and the extractor many small values. There
//! mimalloc is much faster than glibc's allocator (a 2,000-model check: 285 ms -> 197 ms
//! median, interleaved runs on the 2-core VM): fewer instructions per allocation, and its
//! arenas use transparent huge pages, so the kernel takes one page fault where glibc took
//! 512. [`use_batch_allocators`] switches both Rust's and tree-sitter's allocations to it,
//! and, on Linux, puts its first 32 MiB of blocks (up to 1 MiB each) in a bump arena
//! ([`arena`]): a check keeps almost everything it allocates, and packed together those
//! blocks touch fewer huge pages, each of which the kernel must zero. A 200-model check:
//! 10 huge pages and 27 MiB resident with mimalloc alone, 6 and 20 MiB with the arena;
//! 145.4M -> 143.0M instructions; CPU time (user and system) 38.2 -> 37.3 ms, median of 200
//! interleaved runs (wall time, in three such A/Bs on the noisy VM: -1.0 ms, -0.3 ms and
//! no difference).
//!
//! The server stays on glibc: typing in a document allocates and frees the same amounts
//! over and over, which glibc serves from its free lists, and after a large document's
//! check [`release_freed_memory_if_large`] hands the freed memory back with `malloc_trim`
//! (mimalloc kept about 10 MiB more resident there and was no faster per edit).
//!
//! [`Allocator`] is the process's global allocator: new blocks come from the allocator
//! chosen for the run; every block is freed by the allocator that made it (the arena and
//! mimalloc know their own address ranges), so the blocks made before the switch stay
//! valid.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

#[cfg(target_os = "linux")]
mod arena;

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

// SAFETY: each block is made by one of three allocators and freed or resized by the same
// one: the arena's blocks lie in its region (`arena::contains`), mimalloc's in its own
// (`made_by_mimalloc`), and the flag only goes from false to true, so a block made before
// the switch is never taken for mimalloc's. A block leaving the arena on `realloc` is
// copied into a block of the allocator that takes it.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if let Some(block) = arena::try_alloc(layout.size(), layout.align()) {
            return block;
        }
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
        #[cfg(target_os = "linux")]
        if let Some(block) = arena::try_alloc(layout.size(), layout.align()) {
            // A block handed back to the arena may be handed out again: not zero.
            block.write_bytes(0, layout.size());
            return block;
        }
        if MIMALLOC.load(Ordering::Relaxed) {
            MiMalloc.alloc_zeroed(layout)
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        #[cfg(target_os = "linux")]
        if arena::contains(ptr) {
            arena::dealloc(ptr, layout.size());
            return;
        }
        if Self::made_by_mimalloc(ptr) {
            MiMalloc.dealloc(ptr, layout)
        } else {
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if arena::contains(ptr) {
            if arena::serves(new_size, layout.align())
                && arena::resize_in_place(ptr, layout.size(), new_size)
            {
                return ptr;
            }
            // SAFETY: the caller's contract for `realloc` makes this layout valid.
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let moved = self.alloc(new_layout);
            if !moved.is_null() {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                arena::dealloc(ptr, layout.size());
            }
            return moved;
        }
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
/// come from the arena (where there is one) and mimalloc from now on. Call before anything
/// is parsed: tree-sitter frees its blocks with the function it is told at the time, so no
/// tree may exist yet.
pub fn use_batch_allocators() {
    MIMALLOC.store(true, Ordering::Relaxed);
    #[cfg(target_os = "linux")]
    if arena::reserve() {
        // mimalloc's own region, reserved now, on this thread. Reserved by a worker's first
        // block instead (when the arena served everything before), it would be made without
        // transparent huge pages (mimalloc allows them for a thread's first segment only
        // while the process has one thread), and a 2,000-model check took 8,000 page
        // faults instead of 500. Reserving touches no memory; a refusal changes nothing.
        // SAFETY: mimalloc may reserve memory at any time; a null arena id asks for none.
        unsafe {
            libmimalloc_sys::mi_reserve_os_memory_ex(
                1 << 30,
                true,
                true,
                false,
                std::ptr::null_mut(),
            );
        }
        // SAFETY: as below; the arena's C functions hand what is not the arena's to
        // mimalloc's.
        unsafe {
            tree_sitter::set_allocator(Some(tree_sitter::Allocator {
                malloc: arena::c::malloc,
                calloc: arena::c::calloc,
                realloc: arena::c::realloc,
                free: arena::c::free,
            }));
        }
        return;
    }
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

            // The arena (one test: the allocators are the process's global state).
            #[cfg(target_os = "linux")]
            arena_blocks(mimalloc_block(layout));
        }
    }

    #[cfg(target_os = "linux")]
    unsafe fn mimalloc_block(layout: Layout) -> *mut u8 {
        let block = Allocator.alloc(layout);
        block.write_bytes(9, layout.size());
        block
    }

    /// Blocks made once the arena exists: small ones packed in this thread's chunk, large
    /// ones on pages of their own, the last block of either kind resized in place and
    /// handed back when freed; every block keeps its bytes and a zeroed block is zero even
    /// where an earlier block was handed back; blocks made before stay their allocator's.
    #[cfg(target_os = "linux")]
    unsafe fn arena_blocks(from_mimalloc: *mut u8) {
        use std::ffi::c_void;
        let small = |size| Layout::from_size_align(size, 8).unwrap();
        assert!(arena::reserve());
        let a = Allocator.alloc(small(24));
        let b = Allocator.alloc(Layout::from_size_align(40, 32).unwrap());
        assert!(arena::contains(a) && arena::contains(b));
        assert_eq!(b as usize % 32, 0);
        assert!((b as usize) >= (a as usize) + 24 && (b as usize) - (a as usize) < 64);
        a.write_bytes(1, 24);
        b.write_bytes(2, 40);
        // `b` is the last block: it grows in place; `a` has to move, with its bytes.
        let b_layout = Layout::from_size_align(40, 32).unwrap();
        assert_eq!(Allocator.realloc(b, b_layout, 400), b);
        let moved = Allocator.realloc(a, small(24), 48);
        assert_ne!(moved, a);
        assert_eq!(std::slice::from_raw_parts(moved, 24), &[1u8; 24]);
        // Freeing the last block hands it back: the next block takes its place, and a
        // zeroed block is zero there.
        Allocator.dealloc(moved, small(48));
        let zeroed = Allocator.alloc_zeroed(small(48));
        assert_eq!(zeroed, moved);
        assert_eq!(std::slice::from_raw_parts(zeroed, 48), &[0u8; 48]);
        // A large block starts on a page, grows where it is while it is the region's last,
        // and moves out of the arena (to mimalloc) past the arena's largest block.
        let large = Allocator.alloc(small(100_000));
        assert!(arena::contains(large) && (large as usize).is_multiple_of(4096));
        large.write_bytes(3, 100_000);
        assert_eq!(Allocator.realloc(large, small(100_000), 300_000), large);
        let huge = Allocator.realloc(large, small(300_000), 3 << 20);
        assert!(!arena::contains(huge) && Allocator::made_by_mimalloc(huge));
        assert_eq!(
            std::slice::from_raw_parts(huge, 100_000),
            &[3u8; 100_000][..]
        );
        Allocator.dealloc(huge, small(3 << 20));
        // A small block grown past the small size leaves the chunk, with its bytes.
        let grown = Allocator.realloc(zeroed, small(48), 20_000);
        assert!(arena::contains(grown) && (grown as usize).is_multiple_of(4096));
        assert_eq!(std::slice::from_raw_parts(grown, 48), &[0u8; 48]);
        // Blocks made before the arena are still freed by their allocator.
        assert!(!arena::contains(from_mimalloc));
        let resized = Allocator.realloc(from_mimalloc, small(100), 200);
        assert!(Allocator::made_by_mimalloc(resized));
        assert_eq!(std::slice::from_raw_parts(resized, 100), &[9u8; 100][..]);
        Allocator.dealloc(resized, small(200));
        // Other threads take chunks of their own.
        let elsewhere = std::thread::spawn(|| Allocator.alloc(Layout::new::<u64>()) as usize)
            .join()
            .unwrap();
        let here = Allocator.alloc(Layout::new::<u64>()) as usize;
        assert!(arena::contains(elsewhere as *mut u8));
        assert!(elsewhere.abs_diff(here) >= 16 << 10);

        // C's functions for tree-sitter: sizes remembered, bytes kept, calloc zeroes.
        let c = arena::c::malloc(10).cast::<u8>();
        assert!(arena::contains(c) && (c as usize).is_multiple_of(16));
        c.write_bytes(4, 10);
        let c = arena::c::realloc(c.cast(), 5000).cast::<u8>();
        assert_eq!(std::slice::from_raw_parts(c, 10), &[4u8; 10]);
        let d = arena::c::malloc(8).cast::<u8>();
        let c2 = arena::c::realloc(c.cast(), 30).cast::<u8>();
        assert_ne!(c2, c, "not the last block: moved");
        assert_eq!(std::slice::from_raw_parts(c2, 10), &[4u8; 10]);
        arena::c::free(c2.cast());
        let zeros = arena::c::calloc(4, 8).cast::<u8>();
        assert_eq!(zeros, c2);
        assert_eq!(std::slice::from_raw_parts(zeros, 32), &[0u8; 32]);
        arena::c::free(d.cast());
        arena::c::free(std::ptr::null_mut::<c_void>());
        assert!(arena::c::calloc(usize::MAX, 2).is_null());
        let outside = arena::c::malloc(2 << 20);
        assert!(!arena::contains(outside.cast()));
        arena::c::free(outside);

        // Once the region is used up, every block comes from mimalloc.
        while !arena::alloc(1 << 20, 8).is_null() {}
        let after = Allocator.alloc(small(24));
        assert!(!arena::contains(after) && Allocator::made_by_mimalloc(after));
        Allocator.dealloc(after, small(24));
        let c_after = arena::c::malloc(24);
        assert!(!arena::contains(c_after.cast()));
        arena::c::free(c_after);
    }
}
