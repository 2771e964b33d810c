//! JSON string literals, decoded on demand.
//!
//! A corpus keeps each JSON record's text as the raw string literal that
//! serde_json validated when the line was read, and decodes it whenever a
//! stage needs the text. Decoding is a memchr-driven copy between
//! backslashes, so doing it more than once costs far less than keeping
//! every text decoded in memory.

use std::borrow::Cow;

use crate::normalize::{decode, is_word_char};

/// Decodes a JSON string literal, quotes included. Text without escapes is
/// borrowed as it is.
///
/// The literal must have been validated by a JSON parser; should it not be
/// well-formed anyway, the result is still valid UTF-8 where the input is,
/// and nothing panics.
pub(crate) fn decode_literal(raw: &[u8]) -> Cow<'_, [u8]> {
    decode_prefix(raw, usize::MAX)
}

/// Decodes a JSON string literal as [`decode_literal`] does, but stops
/// once at least `len` bytes are out: a prefix of the text that holds
/// its first `len` bytes, or the whole text when it is shorter. For a
/// line of a long text, decoding the rest of the text is wasted.
pub(crate) fn decode_prefix(raw: &[u8], len: usize) -> Cow<'_, [u8]> {
    let inner = match raw {
        [b'"', inner @ .., b'"'] => inner,
        _ => raw,
    };
    // Up to the first escape, text and literal are the same bytes.
    let Some(first) = memchr::memchr(b'\\', inner) else {
        return Cow::Borrowed(inner);
    };
    if first >= len {
        return Cow::Borrowed(&inner[..first]);
    }
    let mut out = Vec::with_capacity(inner.len().min(len.saturating_add(8)));
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'\\', &inner[i..]) {
        if out.len() >= len {
            return Cow::Owned(out);
        }
        out.extend_from_slice(&inner[i..i + j]);
        i += j;
        let Some(&e) = inner.get(i + 1) else {
            break;
        };
        i += 2;
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'u' => {
                let (c, used) = unicode_escape(&inner[i..]);
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += used;
            }
            // `"`, `\` and `/` stand for themselves.
            other => out.push(other),
        }
    }
    if out.len() < len {
        let rest = &inner[i..];
        out.extend_from_slice(&rest[..rest.len().min(len - out.len())]);
    }
    Cow::Owned(out)
}

/// The character of a `\u` escape whose hex digits start `rest`, and how
/// many bytes of `rest` it used. Surrogate pairs combine; a lone surrogate
/// becomes U+FFFD.
fn unicode_escape(rest: &[u8]) -> (char, usize) {
    let Some(hi) = hex4(rest) else {
        return (char::REPLACEMENT_CHARACTER, 0);
    };
    if (0xD800..0xDC00).contains(&hi) && rest.get(4..6) == Some(b"\\u") {
        if let Some(lo) = rest
            .get(6..)
            .and_then(hex4)
            .filter(|lo| (0xDC00..0xE000).contains(lo))
        {
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return (
                char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
                10,
            );
        }
    }
    (char::from_u32(hi).unwrap_or(char::REPLACEMENT_CHARACTER), 4)
}

fn hex4(bytes: &[u8]) -> Option<u32> {
    let digits = bytes.get(..4)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &b| Some(acc * 16 + (b as char).to_digit(16)?))
}

/// True when the decoded literal would contain a word character, found
/// without decoding it: usually the first byte decides.
pub(crate) fn has_word(raw: &[u8]) -> bool {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b.is_ascii_alphanumeric() {
            return true;
        }
        if b == b'\\' {
            if raw.get(i + 1) == Some(&b'u') {
                let (c, used) = unicode_escape(&raw[i + 2..]);
                if is_word_char(c) {
                    return true;
                }
                i += 2 + used;
            } else {
                i += 2;
            }
            continue;
        }
        if b >= 0x80 {
            if let Some((c, len)) = decode(raw, i) {
                if is_word_char(c) {
                    return true;
                }
                i += len;
                continue;
            }
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json is the oracle.
    fn check(literal: &str) {
        let want: String = serde_json::from_str(literal).unwrap();
        let got = decode_literal(literal.as_bytes());
        assert_eq!(std::str::from_utf8(&got).unwrap(), want, "{literal}");
        assert_eq!(
            has_word(literal.as_bytes()),
            crate::corpus::has_word(want.as_bytes()),
            "{literal}"
        );
    }

    /// Every prefix decode holds the first `len` bytes of the whole text.
    #[test]
    fn prefixes_match_the_whole_text() {
        let literal = r#""ab\ncd \u201cq\u201d ef\\gh \ud83d\ude00 end""#;
        let whole = decode_literal(literal.as_bytes()).into_owned();
        for len in 0..=whole.len() + 2 {
            let got = decode_prefix(literal.as_bytes(), len);
            let want = &whole[..len.min(whole.len())];
            assert!(got.starts_with(want), "len {len}: {got:?}");
            assert!(whole.starts_with(&got), "len {len}: {got:?}");
        }
        let plain = br#""no escapes here""#;
        assert_eq!(&*decode_prefix(plain, 3), b"no escapes here");
    }

    #[test]
    fn decodes_like_serde_json() {
        for literal in [
            r#""plain text""#,
            r#""""#,
            r#""line\nbreak\ttab \"quoted\" back\\slash \/ \b\f\r""#,
            r#""curly \u201cquotes\u201d and caf\u00e9""#,
            r#""emoji \ud83d\ude00 pair""#,
            r#""\u4e2d\u56fd""#,
            r#""\n\n\t""#,
            r#""\u2014 \u2014""#,
            "\"raw utf-8 \u{2019} here\"",
            r#""ends with escape\\""#,
        ] {
            check(literal);
        }
        assert!(matches!(decode_literal(br#""abc""#), Cow::Borrowed(b"abc")));
    }

    #[test]
    fn malformed_escapes_do_not_panic() {
        for raw in
            [&br#""\u12""#[..], br#""\ud800 lone""#, br#""\"#, br#""\uZZZZ""#]
        {
            let got = decode_literal(raw);
            assert!(std::str::from_utf8(&got).is_ok());
            let _ = has_word(raw);
        }
        assert_eq!(&*decode_literal(br#""\ud800x""#), "\u{fffd}x".as_bytes());
    }
}
