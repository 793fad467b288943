//! Whether a page may offer passkeys: the server knows (its public URL must be a domain), and
//! says so while it renders the page. Islands never ask.

pub fn passkeys_offered() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::backend::passkeys_offered()
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}
