//! The form a match key is stored in by the key index: the key itself, or,
//! for a key too long for a B-tree entry, its beginning and its SHA-256.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// Keys of at most this many bytes are stored as they are.
pub const STORED_KEY_MAX: usize = 1024;

/// The stored form of a normalized key. Two keys have the same stored form
/// exactly when they are equal (up to a SHA-256 collision): a key of at most
/// [`STORED_KEY_MAX`] bytes is itself; a longer one becomes its first bytes
/// (up to that bound, on a character boundary), `#` and the hex digest of the
/// whole key, which is longer than the bound and so never equals a short key.
pub fn stored_key(key: &str) -> Cow<'_, str> {
    if key.len() <= STORED_KEY_MAX {
        return Cow::Borrowed(key);
    }
    let mut end = STORED_KEY_MAX;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + 65);
    out.push_str(key.get(..end).unwrap_or_default());
    out.push('#');
    crate::hex::encode_into(&mut out, &Sha256::digest(key.as_bytes()));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_stay_and_long_keys_are_bounded_and_distinct() {
        assert_eq!(stored_key("alice@example.com"), "alice@example.com");
        let exact = "a".repeat(STORED_KEY_MAX);
        assert_eq!(stored_key(&exact), exact.as_str());
        let long1 = format!("{}x", "é".repeat(STORED_KEY_MAX));
        let long2 = format!("{}y", "é".repeat(STORED_KEY_MAX));
        let (s1, s2) = (stored_key(&long1), stored_key(&long2));
        assert_ne!(s1, s2);
        assert!(s1.len() > STORED_KEY_MAX && s1.len() <= STORED_KEY_MAX + 65);
        assert_eq!(stored_key(&long1), s1);
        assert!(s1.starts_with('é'));
    }
}
