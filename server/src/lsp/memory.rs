//! Giving freed memory back to the system after a check.
//!
//! A check of a large schema builds a model many times the size of the text and frees it
//! at once; glibc keeps such memory in its arenas (one per thread that allocated), so the
//! server's resident size would stay at the peak of the largest check. Trimming after each
//! check keeps the resident size near what the open documents (text, rope and tree) need.

/// Returns free heap memory to the operating system, where the allocator allows it.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: glibc's `malloc_trim` only releases pages that hold no allocation; it
        // has no preconditions and is thread-safe.
        unsafe {
            malloc_trim(0);
        }
    }
}
