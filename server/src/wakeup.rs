//! The mail sender's wake-up call: a flow that queued a message rings it after its transaction,
//! so the message goes out at once instead of at the next poll.

use tokio::sync::Notify;

#[derive(Default)]
pub struct MailSignal(Notify);

impl MailSignal {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits for the next [`MailSignal::wake`].
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}
