//! Lowercase hexadecimal, as cursors, token secrets and hashed keys are written.

use std::fmt::Write;

/// `bytes` in lowercase hex, two digits per byte.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    encode_into(&mut out, bytes);
    out
}

/// Appends `bytes` in lowercase hex to `out`.
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
}

/// The bytes of a hex string of at most `max_len` digits; `None` when it is
/// longer, of odd length, or holds anything but hex digits.
pub fn decode(s: &str, max_len: usize) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > max_len {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_is_not_hex() {
        assert_eq!(encode(&[0, 15, 255]), "000fff");
        assert_eq!(decode("000fff", 6), Some(vec![0, 15, 255]));
        assert_eq!(decode("000fff", 4), None);
        assert_eq!(decode("abc", 10), None);
        assert_eq!(decode("zz", 10), None);
    }
}
