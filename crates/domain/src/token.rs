//! API tokens: the `ksr_` format, the stored SHA-256 digest and display prefix.

use sha2::{Digest, Sha256};

/// Prefix of every clear token.
pub const TOKEN_PREFIX: &str = "ksr_";

/// Random bytes in a token's secret.
pub const SECRET_BYTES: usize = 32;

/// The clear token for a secret: `ksr_` followed by the secret in lowercase hex
/// (URL-safe, 64 characters for 32 bytes).
pub fn encode_token(secret: &[u8]) -> String {
    let mut s = String::with_capacity(TOKEN_PREFIX.len() + secret.len() * 2);
    s.push_str(TOKEN_PREFIX);
    crate::hex::encode_into(&mut s, secret);
    s
}

/// Whether a presented string has the shape of a token (cheap check before any
/// database lookup).
pub fn looks_like_token(s: &str) -> bool {
    s.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() >= 43
            && rest.len() <= 256
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// The SHA-256 digest of a clear token: the only form that is stored.
pub fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The short display prefix stored beside the digest (`ksr_` and 8 characters),
/// enough for an operator to recognise a token, useless to an attacker.
pub fn display_prefix(token: &str) -> String {
    token.chars().take(TOKEN_PREFIX.len() + 8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_documented_shape() {
        let t = encode_token(&[0xab; SECRET_BYTES]);
        assert!(t.starts_with("ksr_abab"));
        assert_eq!(t.len(), 4 + 64);
        assert!(looks_like_token(&t));
        assert!(!looks_like_token("ksr_short"));
        assert!(!looks_like_token("Bearer x"));
        assert!(!looks_like_token(&format!("ksr_{}'--", "a".repeat(50))));
    }

    #[test]
    fn digest_is_sha256() {
        let d = digest("abc");
        assert_eq!(d.len(), 32);
        assert_eq!(d[0], 0xba);
        assert_eq!(display_prefix(&encode_token(&[1; 32])), "ksr_01010101");
    }
}
