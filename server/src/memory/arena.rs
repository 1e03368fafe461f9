//! A bump arena for the first blocks of a batch run (see the parent module).
//!
//! One region of address space is reserved when the run starts, backed by transparent huge
//! pages. Each thread takes it in chunks of [`CHUNK`] bytes and hands out its small blocks
//! from its chunk by moving a pointer; a large block takes whole pages of the region.
//! Blocks are not freed one by one: the memory goes back when the process exits. Two cases
//! are cheap enough to take: the last block handed out (the thread's last small one, the
//! region's last large one) can grow or shrink in place and is handed back when it is
//! freed (a vector being filled, a temporary string).
//!
//! Why: a check keeps almost everything it allocates (tree-sitter's parse of a 200-model
//! schema keeps 98% of its 1.9 MB per piece, the extraction 66% of its 2.6 MB), so a general
//! allocator's pages per size class only spread the same bytes over more memory, and
//! every 2 MiB a process touches first costs the kernel a zeroed huge page.
//!
//! The region is bounded ([`RESERVE`]): once it is used up every block comes from mimalloc,
//! which reuses freed memory. So a long run keeps at most that much memory it no longer
//! needs, and a large one allocates mostly where freed blocks are reused (a 2,000-model
//! check, all in a 256 MiB arena, took 15 MB more memory and 4% more time than with
//! mimalloc alone).

use std::cell::Cell;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Address space reserved for the arena. Only what is touched becomes memory.
const RESERVE: usize = 32 << 20;

/// A thread takes the arena this many bytes at a time, for its small blocks.
const CHUNK: usize = 256 << 10;

/// Blocks up to this size come from the thread's chunk; larger ones have pages of their own
/// (a vector that keeps growing can then often grow where it is).
const SMALL: usize = 16 << 10;

/// Blocks larger than this are not the arena's.
const MAX_BLOCK: usize = 1 << 20;

/// The strictest alignment the arena serves (a page: every large block starts on one).
const MAX_ALIGN: usize = 4096;

/// The first address of the region (0: no region).
static START: AtomicUsize = AtomicUsize::new(0);

/// Set once the region is used up: new blocks come from the general allocator.
static FULL: AtomicBool = AtomicBool::new(false);

/// Transparent huge pages are this large (and aligned) on x86-64 and most arm64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// Where the region's unused part starts: the next chunk or large block goes there.
static NEXT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's free part of its chunk: where the next block goes and where the
    /// chunk ends; and where the last block handed out starts (0: none that can move).
    /// A `Cell` of plain numbers: no destructor, usable while the thread exits.
    static CURSOR: Cell<Cursor> = const { Cell::new(Cursor { next: 0, end: 0, last: 0 }) };
}

#[derive(Clone, Copy)]
struct Cursor {
    next: usize,
    end: usize,
    last: usize,
}

/// Reserves the region. Returns false (and the arena stays unused) where the system
/// refuses; then everything comes from the general allocator as before.
pub fn reserve() -> bool {
    if START.load(Ordering::Relaxed) != 0 {
        return true;
    }
    // SAFETY: a fresh anonymous private mapping at an address of the kernel's choosing
    // touches no existing memory; `MAP_NORESERVE` commits nothing until pages are used.
    // One huge page more than the region, so that the region can start on a huge page.
    let mapped = unsafe {
        libc::mmap(
            ptr::null_mut(),
            RESERVE + HUGE_PAGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if mapped == libc::MAP_FAILED {
        return false;
    }
    let start = align_up(mapped as usize, HUGE_PAGE);
    // SAFETY: `start..start + RESERVE` lies in the mapping just made. Huge pages are
    // advice: when the kernel declines, the arena works on ordinary pages.
    unsafe {
        libc::madvise(start as *mut libc::c_void, RESERVE, libc::MADV_HUGEPAGE);
    }
    NEXT.store(start, Ordering::Relaxed);
    START.store(start, Ordering::Release);
    true
}

/// Whether `ptr` is a block of the arena.
#[inline]
pub fn contains(ptr: *mut u8) -> bool {
    let start = START.load(Ordering::Relaxed);
    (ptr as usize).wrapping_sub(start) < RESERVE && start != 0
}

/// Whether blocks of this size and alignment may come from the arena.
#[inline]
pub fn serves(size: usize, align: usize) -> bool {
    size <= MAX_BLOCK
        && align <= MAX_ALIGN
        && START.load(Ordering::Relaxed) != 0
        && !FULL.load(Ordering::Relaxed)
}

/// A block of `size` bytes aligned to `align` from the arena, when it serves such blocks
/// and has room.
#[inline]
pub fn try_alloc(size: usize, align: usize) -> Option<*mut u8> {
    if !serves(size, align) {
        return None;
    }
    Some(alloc(size, align)).filter(|block| !block.is_null())
}

/// A block of `size` bytes aligned to `align` (what [`serves`] accepts), or null when the
/// region is used up.
#[inline]
pub fn alloc(size: usize, align: usize) -> *mut u8 {
    if size > SMALL {
        return take(align_up(size, MAX_ALIGN)).map_or(ptr::null_mut(), |at| at as *mut u8);
    }
    CURSOR.with(|cell| {
        let mut cursor = cell.get();
        let mut at = align_up(cursor.next, align);
        if at + size > cursor.end {
            let Some(chunk) = take(CHUNK) else {
                return ptr::null_mut();
            };
            cursor.end = chunk + CHUNK;
            at = align_up(chunk, align);
        }
        cursor.next = at + size;
        cursor.last = at;
        cell.set(cursor);
        at as *mut u8
    })
}

/// Takes `bytes` (a multiple of [`MAX_ALIGN`]) from the region's unused part.
fn take(bytes: usize) -> Option<usize> {
    let at = NEXT.fetch_add(bytes, Ordering::Relaxed);
    if at + bytes > START.load(Ordering::Relaxed) + RESERVE {
        FULL.store(true, Ordering::Relaxed);
        return None;
    }
    Some(at)
}

/// Frees a block of the arena. Only the last block handed out goes back (the thread's last
/// small block into its chunk, the region's last large block into the region); any other
/// is left where it is.
#[inline]
pub fn dealloc(ptr: *mut u8, size: usize) {
    let at = ptr as usize;
    if size > SMALL {
        let end = at + align_up(size, MAX_ALIGN);
        let _ = NEXT.compare_exchange(end, at, Ordering::Relaxed, Ordering::Relaxed);
        return;
    }
    CURSOR.with(|cell| {
        let mut cursor = cell.get();
        if at == cursor.last && at + size == cursor.next {
            cursor.next = at;
            cursor.last = 0;
            cell.set(cursor);
        }
    })
}

/// Resizes a block in place when it is the last one handed out (see [`dealloc`]) and
/// there is room after it; returns whether it did. A block keeps its kind: small stays
/// within [`SMALL`], large above it.
#[inline]
pub fn resize_in_place(ptr: *mut u8, old_size: usize, new_size: usize) -> bool {
    let at = ptr as usize;
    if old_size > SMALL {
        if new_size <= SMALL || new_size > MAX_BLOCK {
            return false;
        }
        let (old_end, new_end) = (
            at + align_up(old_size, MAX_ALIGN),
            at + align_up(new_size, MAX_ALIGN),
        );
        return new_end <= START.load(Ordering::Relaxed) + RESERVE
            && NEXT
                .compare_exchange(old_end, new_end, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
    }
    if new_size > SMALL {
        return false;
    }
    CURSOR.with(|cell| {
        let mut cursor = cell.get();
        if at != cursor.last || at + old_size != cursor.next || at + new_size > cursor.end {
            return false;
        }
        cursor.next = at + new_size;
        cell.set(cursor);
        true
    })
}

#[inline]
fn align_up(address: usize, align: usize) -> usize {
    (address + align - 1) & !(align - 1)
}

/// C's `malloc` family over the arena, for tree-sitter: each block is preceded by its
/// size (C's `realloc` is not told it), and aligned for any C type.
pub mod c {
    use std::ffi::c_void;
    use std::ptr;

    use super::{contains, dealloc, resize_in_place, serves, try_alloc};

    /// `max_align_t` on the 64-bit targets: also the header's size, so blocks stay aligned.
    const HEADER: usize = 16;

    /// # Safety
    /// As C's `malloc`.
    pub unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
        let Some(block) = size
            .checked_add(HEADER)
            .and_then(|total| try_alloc(total, HEADER))
        else {
            return libmimalloc_sys::mi_malloc(size);
        };
        // SAFETY: the block has `size + HEADER` bytes, aligned to `HEADER`: the header fits.
        block.cast::<usize>().write(size);
        block.add(HEADER).cast()
    }

    /// # Safety
    /// As C's `calloc`.
    pub unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        let Some(bytes) = count.checked_mul(size) else {
            return ptr::null_mut();
        };
        let block = malloc(bytes);
        if !block.is_null() {
            // Arena memory handed back by `dealloc` is not zero any more.
            block.cast::<u8>().write_bytes(0, bytes);
        }
        block
    }

    /// # Safety
    /// As C's `realloc`: `block` is null or was returned by these functions.
    pub unsafe extern "C" fn realloc(block: *mut c_void, size: usize) -> *mut c_void {
        if block.is_null() {
            return malloc(size);
        }
        if !contains(block.cast()) {
            return libmimalloc_sys::mi_realloc(block, size);
        }
        let start = block.cast::<u8>().sub(HEADER);
        let old = start.cast::<usize>().read();
        let fits = size
            .checked_add(HEADER)
            .is_some_and(|total| serves(total, HEADER));
        if fits && resize_in_place(start, old + HEADER, size + HEADER) {
            start.cast::<usize>().write(size);
            return block;
        }
        let moved = malloc(size);
        if !moved.is_null() {
            ptr::copy_nonoverlapping(block.cast::<u8>(), moved.cast::<u8>(), old.min(size));
            dealloc(start, old + HEADER);
        }
        moved
    }

    /// # Safety
    /// As C's `free`: `block` is null or was returned by these functions.
    pub unsafe extern "C" fn free(block: *mut c_void) {
        if block.is_null() {
            return;
        }
        if contains(block.cast()) {
            let start = block.cast::<u8>().sub(HEADER);
            dealloc(start, start.cast::<usize>().read() + HEADER);
        } else {
            libmimalloc_sys::mi_free(block);
        }
    }
}
