//! Unicode decimal digits (general category Nd) for the phone key: their ASCII
//! value, and the regular-expression class that matches them.
//!
//! The table is the one Python's `unicodedata` (Unicode 14.0) gives, the
//! version the libphonenumber fixture was generated with
//! (`scripts/phone_fixture.py`); a test compares it with the fixture's list.

/// The first code point (the zero) of every run of ten Nd digits, ascending.
/// Unicode encodes each decimal digit set as ten consecutive code points.
pub(super) const ND_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The ASCII digit a Unicode decimal digit stands for (`٥` is `5`), `None`
/// for any other character.
pub(super) fn ascii_digit(c: char) -> Option<char> {
    let code = u32::from(c);
    let below = match ND_ZEROS.binary_search(&code) {
        Ok(i) => i + 1,
        Err(i) => i,
    };
    let zero = *ND_ZEROS.get(below.checked_sub(1)?)?;
    let value = code - zero;
    if value >= 10 {
        return None;
    }
    char::from_digit(value, 10)
}

/// The inside of a regex character class matching exactly these digits
/// (`0-9\x{660}-\x{669}…`), used where libphonenumber's patterns say `\d`.
pub(super) fn class_body() -> String {
    ND_ZEROS
        .iter()
        .map(|&z| format!("\\x{{{z:X}}}-\\x{{{:X}}}", z + 9))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_script_are_read() {
        let cases = [
            ('0', Some('0')),
            ('9', Some('9')),
            ('٥', Some('5')),
            ('۴', Some('4')),
            ('५', Some('5')),
            ('８', Some('8')),
            ('𝟘', Some('0')),
            ('²', None),
            ('a', None),
            ('/', None),
            (':', None),
            ('\u{66A}', None),
        ];
        for (c, expected) in cases {
            assert_eq!(ascii_digit(c), expected, "{c:?}");
        }
        assert!(ND_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
    }
}
