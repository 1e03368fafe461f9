//! The thread that checks documents.
//!
//! Every check runs here, one after another, and so does freeing each check's model (after
//! its diagnostics went out). One thread means one glibc arena that the next check reuses
//! warm: when checks and frees ran on the runtime's blocking pool, a free on one thread
//! locked the arena the next check was allocating from on another, and memory handed back
//! after each check was faulted in again on the next. Free memory is returned to the
//! system only when the queue is empty and enough of it is held to matter.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{channel, Sender, TryRecvError};

use crate::memory;

type Job = Box<dyn FnOnce() + Send>;

pub(crate) struct Checker {
    jobs: Sender<Job>,
}

impl Checker {
    pub(crate) fn start() -> Checker {
        let (jobs, queue) = channel::<Job>();
        std::thread::Builder::new()
            .name("amplint-checker".into())
            .spawn(move || {
                let mut next = queue.recv();
                while let Ok(job) = next {
                    // A job reports its own failures; one that panics anyway must not end
                    // the thread (its caller sees its answer channel closed).
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                    next = match queue.try_recv() {
                        Ok(job) => Ok(job),
                        Err(TryRecvError::Empty) => {
                            memory::release_freed_memory_if_large();
                            queue.recv()
                        }
                        Err(TryRecvError::Disconnected) => break,
                    };
                }
            })
            .expect("the checker thread starts");
        Checker { jobs }
    }

    /// Runs `work` on the checker thread. It gets a sender for its answer, so it can answer
    /// first and then finish (free what it built) while the answer is being sent on.
    /// `None` when the thread is gone or `work` panicked before answering.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(Answer<T>) + Send + 'static,
    ) -> Option<T> {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || work(Answer(sender)));
        if self.jobs.send(job).is_err() {
            return None;
        }
        receiver.await.ok()
    }
}

/// Where a job sends its answer.
pub(crate) struct Answer<T>(tokio::sync::oneshot::Sender<T>);

impl<T> Answer<T> {
    pub(crate) fn send(self, value: T) {
        // The requester may have gone (the server is stopping); nothing to do then.
        let _ = self.0.send(value);
    }
}
