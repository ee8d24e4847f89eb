//! Key digests: the 16-byte digest of an exact key (the first half of the
//! SHA-256 of its stored form), kept per record beside the key index so that
//! detect over the newest records groups them by digest instead of reading
//! and normalizing their columns. Two keys have equal digests exactly when
//! they are equal, up to a 128-bit collision (about one chance in 10^30 for
//! a scan's keys).

use sha2::{Digest, Sha256};

use super::criterion::Criterion;
use super::stored::stored_key;

/// The bytes of one key's digest.
pub const KEY_DIGEST_BYTES: usize = 16;

/// The digest of a normalized key: the first [`KEY_DIGEST_BYTES`] bytes of
/// the SHA-256 of its stored form (what the key index holds), so that
/// `substr(sha256(convert_to(key, 'UTF8')), 1, 16)` computes it in SQL from
/// a key row.
pub fn key_digest(key: &str) -> [u8; KEY_DIGEST_BYTES] {
    let hash = Sha256::digest(stored_key(key).as_bytes());
    let mut out = [0u8; KEY_DIGEST_BYTES];
    out.copy_from_slice(
        hash.get(..KEY_DIGEST_BYTES)
            .unwrap_or(&[0; KEY_DIGEST_BYTES]),
    );
    out
}

/// One record's digests per criterion (indexed by [`Criterion::code`]): the
/// digests of its distinct keys of that criterion, concatenated; `None` when
/// it holds no key of it.
pub fn record_digests(keys: &[(Criterion, String)]) -> [Option<Vec<u8>>; 4] {
    let mut out: [Option<Vec<u8>>; 4] = Default::default();
    for (criterion, key) in keys {
        let digest = key_digest(key);
        let Some(slot) = usize::try_from(criterion.code())
            .ok()
            .and_then(|i| out.get_mut(i))
        else {
            continue;
        };
        let held = slot.get_or_insert_with(Vec::new);
        if !held.chunks_exact(KEY_DIGEST_BYTES).any(|d| d == digest) {
            held.extend_from_slice(&digest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_have_equal_digests_and_a_record_lists_a_key_once() {
        let keys = vec![
            (Criterion::Email, "a@x.com".to_owned()),
            (Criterion::Email, "b@x.com".to_owned()),
            (Criterion::Email, "a@x.com".to_owned()),
            (Criterion::Name, "ann lee".to_owned()),
        ];
        let d = record_digests(&keys);
        assert_eq!(d[0].as_ref().map(Vec::len), Some(2 * KEY_DIGEST_BYTES));
        assert!(d[1].is_none() && d[2].is_none());
        assert_eq!(d[3].as_deref(), Some(&key_digest("ann lee")[..]));
        assert_ne!(key_digest("a@x.com"), key_digest("b@x.com"));
        // The SQL form: substr(sha256('abc'), 1, 16).
        let hex: String = key_digest("abc")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223");
    }

    #[test]
    fn long_keys_are_digested_in_their_stored_form() {
        let long = "x".repeat(3000);
        let stored = stored_key(&long).into_owned();
        assert!(stored.len() < long.len());
        let whole = Sha256::digest(stored.as_bytes());
        assert_eq!(&key_digest(&long)[..], &whole[..KEY_DIGEST_BYTES]);
    }
}
