//! Argon2id on a bounded pool: one worker thread per core and a short queue. When the queue
//! is full the caller is told at once ([`HashError::Busy`]) instead of piling up requests.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's first recommendation).
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("every password worker is busy")]
    Busy,
    #[error("password hashing failed: {0}")]
    Internal(String),
}

enum Job {
    Hash(SecretString, oneshot::Sender<Result<String, HashError>>),
    Verify(SecretString, Option<String>, oneshot::Sender<Result<bool, HashError>>),
}

pub struct PasswordHasher {
    jobs: SyncSender<Job>,
    /// Jobs queued or being worked on, and how many fit (workers + queue).
    pending: Arc<AtomicUsize>,
    capacity: usize,
}

fn argon2() -> Result<Argon2<'static>, HashError> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).map_err(|e| HashError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_now(password: &SecretString) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError::Internal(e.to_string()))
}

fn verify_now(password: &SecretString, phc: &str) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(phc).map_err(|e| HashError::Internal(e.to_string()))?;
    Ok(argon2()?.verify_password(password.expose_secret().as_bytes(), &parsed).is_ok())
}

fn worker(jobs: Arc<Mutex<Receiver<Job>>>, dummy_hash: String, pending: Arc<AtomicUsize>) {
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Hash(password, reply)) => {
                let _ = reply.send(hash_now(&password));
                pending.fetch_sub(1, Ordering::Relaxed);
            }
            Ok(Job::Verify(password, phc, reply)) => {
                let result = match phc {
                    Some(phc) => verify_now(&password, &phc),
                    None => verify_now(&password, &dummy_hash).map(|_| false),
                };
                let _ = reply.send(result);
                pending.fetch_sub(1, Ordering::Relaxed);
            }
            Err(_) => return,
        }
    }
}

impl PasswordHasher {
    /// Starts `workers` threads with room for `queue` waiting jobs.
    pub fn start(workers: usize, queue: usize) -> Result<Self, HashError> {
        let dummy_hash = hash_now(&SecretString::from(crate::tokens::Token::generate().expose().to_string()))?;
        let (sender, receiver) = sync_channel(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let pending = Arc::new(AtomicUsize::new(0));
        for n in 0..workers.max(1) {
            let receiver = receiver.clone();
            let dummy = dummy_hash.clone();
            let pending = pending.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || worker(receiver, dummy, pending))
                .map_err(|e| HashError::Internal(e.to_string()))?;
        }
        // Each worker holds the dummy hash: a real hash of a random password, which unknown users
        // are verified against so that their answer takes as long as everyone else's.
        Ok(PasswordHasher { jobs: sender, pending, capacity: workers.max(1) + queue })
    }

    /// Whether every worker is busy and the queue is full: a new login would get "busy", so it
    /// is told at once instead of after waiting its turn.
    pub fn is_saturated(&self) -> bool {
        self.pending.load(Ordering::Relaxed) >= self.capacity
    }

    fn submit(&self, job: Job) -> Result<(), HashError> {
        self.pending.fetch_add(1, Ordering::Relaxed);
        self.jobs.try_send(job).map_err(|e| {
            self.pending.fetch_sub(1, Ordering::Relaxed);
            match e {
                TrySendError::Full(_) => HashError::Busy,
                TrySendError::Disconnected(_) => HashError::Internal("password workers stopped".into()),
            }
        })
    }

    pub async fn hash(&self, password: SecretString) -> Result<String, HashError> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Hash(password, reply))?;
        answer.await.map_err(|_| HashError::Internal("password worker vanished".into()))?
    }

    /// Checks a password against a stored hash; with no hash (unknown user, SSO-only user)
    /// it spends the same time on the dummy hash and answers false.
    pub async fn verify(&self, password: SecretString, phc: Option<String>) -> Result<bool, HashError> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Verify(password, phc, reply))?;
        answer.await.map_err(|_| HashError::Internal("password worker vanished".into()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_do_not() {
        let hasher = PasswordHasher::start(1, 4).unwrap();
        let hash = hasher.hash(SecretString::from("correct horse battery staple")).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify(SecretString::from("correct horse battery staple"), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify(SecretString::from("wrong"), Some(hash)).await.unwrap());
        assert!(!hasher.verify(SecretString::from("anything"), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let hasher = Arc::new(PasswordHasher::start(1, 1).unwrap());
        let mut pending = Vec::new();
        let mut busy = 0;
        for _ in 0..6 {
            let hasher = hasher.clone();
            pending.push(tokio::spawn(async move { hasher.hash(SecretString::from("x")).await }));
        }
        for job in pending {
            if matches!(job.await.unwrap(), Err(HashError::Busy)) {
                busy += 1;
            }
        }
        assert!(busy >= 3, "only {busy} of 6 were turned away");
    }
}
