//! A single-pass reader for the common JSONL record, in front of serde_json.
//!
//! Why: serde_json was 15% of `dedup`'s CPU time on a scrape-like corpus. Its
//! string decoder grows a fresh scratch buffer for every record whose text has
//! an escape (every real one: `\n`), so each record cost a `malloc`, a few
//! `realloc`s and two copies of the text, and it scans strings eight bytes at
//! a time. This reader decodes the text straight into the caller's reused
//! buffer and scans strings 32 bytes at a time.
//!
//! It never has the last word on a bad record: it follows the JSON grammar
//! exactly as serde_json does for these values, and whenever it meets anything
//! it does not settle itself (a syntax error, a number it would have to
//! convert, an escaped key, a lone surrogate, deep nesting) it answers
//! [`Scan::Bail`] and the caller runs serde_json on the record from the start.
//! So every error message still comes from serde_json, and a record this
//! reader accepts is one serde_json accepts with the same text and id (a
//! property test holds the two side by side on generated and mutated records).

use super::{FieldPaths, TextState};

/// What the fast reader made of a record.
pub(super) enum Scan<'a> {
    /// Parsed completely: the text's state (its value is in the caller's
    /// buffer when found) and the id's raw JSON.
    Done {
        text: TextState,
        id: Option<&'a str>,
    },
    /// Not settled here: ask serde_json.
    Bail,
}

/// Returned by every step that gives up; the caller falls back to serde_json.
struct Bail;

type Step<T = ()> = Result<T, Bail>;

/// Reads one record (already checked to be UTF-8) with the text path and id
/// path of `paths`; the text goes into `text`.
pub(super) fn scan<'a>(line: &'a str, paths: &FieldPaths, text: &mut String) -> Scan<'a> {
    let mut reader = Reader {
        line,
        bytes: line.as_bytes(),
        pos: 0,
        text,
        text_state: TextState::Missing,
        id: None,
        vector: vector_available(),
    };
    let parsed = (|| {
        reader.expect(b'{')?;
        reader.object(Some(&paths.text), paths.id.as_deref())?;
        match reader.ws() {
            None => Ok(()),
            Some(_) => Err(Bail),
        }
    })();
    match parsed {
        Ok(()) => Scan::Done {
            text: reader.text_state,
            id: reader.id,
        },
        Err(Bail) => Scan::Bail,
    }
}

struct Reader<'a, 't> {
    line: &'a str,
    bytes: &'a [u8],
    pos: usize,
    text: &'t mut String,
    text_state: TextState,
    id: Option<&'a str>,
    /// Whether [`find_special`] may use AVX2 (asked once per record).
    vector: bool,
}

/// Deepest nesting of ignored arrays and objects followed here (one bit of a
/// `u64` per level says which); deeper records go to serde_json.
const MAX_DEPTH: u32 = 64;

impl<'a> Reader<'a, '_> {
    /// Skips JSON whitespace; returns the next byte, if any.
    #[inline]
    fn ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\n' | b'\t' | b'\r' => self.pos += 1,
                _ => return Some(b),
            }
        }
        None
    }

    /// Consumes `byte` (after whitespace) or gives up.
    #[inline]
    fn expect(&mut self, byte: u8) -> Step {
        if self.ws() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// The members of an object whose `{` was consumed, following the rest
    /// of the text and id paths the way `super::Walk` does.
    fn object(&mut self, text: Option<&[String]>, id: Option<&[String]>) -> Step {
        if self.ws() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.expect(b'"')?;
            let key = self.plain_key()?;
            self.expect(b':')?;
            let text_next = text.filter(|p| p[0] == key).map(|p| &p[1..]);
            let id_next = id.filter(|p| p[0] == key).map(|p| &p[1..]);
            match (text_next, id_next) {
                (Some([]), _) => self.text_value()?,
                (None, Some([])) => {
                    self.ws();
                    let start = self.pos;
                    self.ignore_value()?;
                    self.id = Some(&self.line[start..self.pos]);
                }
                (None, None) => self.ignore_value()?,
                (text, id) => {
                    self.nested(text.filter(|p| !p.is_empty()), id.filter(|p| !p.is_empty()))?
                }
            }
            match self.ws() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Bail),
            }
        }
    }

    /// A key without escapes (keys with escapes go to serde_json), after its
    /// opening quote.
    fn plain_key(&mut self) -> Step<&'a str> {
        let start = self.pos;
        let end = self.find_special(start);
        if self.bytes.get(end) != Some(&b'"') {
            return Err(Bail);
        }
        self.pos = end + 1;
        Ok(&self.line[start..end])
    }

    /// A value on the way to the text or id: an object is walked, a string
    /// must be a valid one, anything else is passed over (numbers go to
    /// serde_json, which converts them here and may reject them).
    fn nested(&mut self, text: Option<&[String]>, id: Option<&[String]>) -> Step {
        match self.ws() {
            Some(b'{') => {
                self.pos += 1;
                self.object(text, id)
            }
            Some(b'"') => {
                self.pos += 1;
                self.string(None)
            }
            Some(b'[' | b't' | b'f' | b'n') => self.ignore_value(),
            _ => Err(Bail),
        }
    }

    /// The value at the text path: a string is decoded into the caller's
    /// buffer; anything else is noted by kind, unless a string was already
    /// found under a repeated key (serde_json's visitor behaves the same).
    fn text_value(&mut self) -> Step {
        let kind = match self.ws() {
            Some(b'"') => {
                self.pos += 1;
                let mut text = std::mem::take(self.text);
                text.clear();
                let decoded = self.string(Some(&mut text));
                *self.text = text;
                decoded?;
                self.text_state = TextState::Found;
                return Ok(());
            }
            // serde_json checks the keys of this object as strings it
            // decodes, not as it checks ignored ones: let it.
            Some(b'{') => return Err(Bail),
            Some(b'[') => "an array",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            _ => return Err(Bail),
        };
        self.ignore_value()?;
        if !matches!(self.text_state, TextState::Found) {
            self.text_state = TextState::NotString(kind);
        }
        Ok(())
    }

    /// A string after its opening quote, checked as serde_json checks a
    /// string it decodes (escapes valid, surrogates paired) and decoded into
    /// `out` when given.
    fn string(&mut self, mut out: Option<&mut String>) -> Step {
        loop {
            let start = self.pos;
            let end = self.find_special(start);
            if let Some(out) = out.as_deref_mut() {
                out.push_str(&self.line[start..end]);
            }
            match self.bytes.get(end) {
                Some(b'"') => {
                    self.pos = end + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos = end + 1;
                    let c = self.escape()?;
                    if let Some(out) = out.as_deref_mut() {
                        out.push(c);
                    }
                }
                _ => return Err(Bail),
            }
        }
    }

    /// One escape after its backslash, as a character.
    fn escape(&mut self) -> Step<char> {
        let b = *self.bytes.get(self.pos).ok_or(Bail)?;
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                match high {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(Bail);
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Bail);
                        }
                        let c = 0x1_0000
                            + ((u32::from(high) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        char::from_u32(c).ok_or(Bail)?
                    }
                    0xDC00..=0xDFFF => return Err(Bail),
                    _ => char::from_u32(u32::from(high)).ok_or(Bail)?,
                }
            }
            _ => return Err(Bail),
        })
    }

    fn hex4(&mut self) -> Step<u16> {
        let digits: &[u8; 4] = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or(Bail)?
            .try_into()
            .expect("4 bytes");
        // Each digit's value, or -1 (which makes the sum negative).
        let value = i32::from(HEX[usize::from(digits[0])]) << 12
            | i32::from(HEX[usize::from(digits[1])]) << 8
            | i32::from(HEX[usize::from(digits[2])]) << 4
            | i32::from(HEX[usize::from(digits[3])]);
        if value < 0 {
            return Err(Bail);
        }
        self.pos += 4;
        Ok(value as u16)
    }

    /// A string passed over as serde_json passes over one it ignores: any
    /// four hex digits are a valid `\u` escape (it does not pair surrogates).
    /// Kept apart from [`Reader::string`] on purpose: one loop taking the
    /// kind of reading as an argument made decoding escaped text 11% slower
    /// (criterion `input/extract_json/escaped_cyrillic`, 43.7 → 48.6 ms).
    fn ignore_string(&mut self) -> Step {
        loop {
            let end = self.find_special(self.pos);
            match self.bytes.get(end) {
                Some(b'"') => {
                    self.pos = end + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos = end + 1;
                    match self.bytes.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            self.hex4()?;
                        }
                        _ => return Err(Bail),
                    }
                }
                _ => return Err(Bail),
            }
        }
    }

    /// Any value, passed over with serde_json's grammar for ignored values;
    /// nesting is followed with a bit stack, not recursion.
    fn ignore_value(&mut self) -> Step {
        // Bit i of `objects` says whether level i+1 is an object.
        let mut objects = 0u64;
        let mut depth = 0u32;
        loop {
            // A value.
            match self.ws().ok_or(Bail)? {
                b'"' => {
                    self.pos += 1;
                    self.ignore_string()?;
                }
                b'-' | b'0'..=b'9' => self.ignore_number()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                open @ (b'[' | b'{') => {
                    if depth == MAX_DEPTH {
                        return Err(Bail);
                    }
                    self.pos += 1;
                    let is_object = open == b'{';
                    objects = objects << 1 | u64::from(is_object);
                    depth += 1;
                    let close = if is_object { b'}' } else { b']' };
                    if self.ws() == Some(close) {
                        self.pos += 1;
                        objects >>= 1;
                        depth -= 1;
                    } else {
                        if is_object {
                            self.member_key()?;
                        }
                        continue;
                    }
                }
                _ => return Err(Bail),
            }
            // After a value: close levels until one goes on with a comma.
            loop {
                if depth == 0 {
                    return Ok(());
                }
                let is_object = objects & 1 == 1;
                match self.ws() {
                    Some(b',') => {
                        self.pos += 1;
                        if is_object {
                            self.member_key()?;
                        }
                        break;
                    }
                    Some(b'}') if is_object => {}
                    Some(b']') if !is_object => {}
                    _ => return Err(Bail),
                }
                self.pos += 1;
                objects >>= 1;
                depth -= 1;
            }
        }
    }

    /// `"key":` inside an ignored object.
    fn member_key(&mut self) -> Step {
        self.expect(b'"')?;
        self.ignore_string()?;
        self.expect(b':')
    }

    /// A number, checked against the JSON grammar only (as serde_json checks
    /// one it ignores).
    fn ignore_number(&mut self) -> Step {
        let digits = |bytes: &[u8], mut pos: usize| {
            while matches!(bytes.get(pos), Some(b'0'..=b'9')) {
                pos += 1;
            }
            pos
        };
        let bytes = self.bytes;
        let mut pos = self.pos;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(b'0') => {
                pos += 1;
                if matches!(bytes.get(pos), Some(b'0'..=b'9')) {
                    return Err(Bail);
                }
            }
            Some(b'1'..=b'9') => pos = digits(bytes, pos + 1),
            _ => return Err(Bail),
        }
        if bytes.get(pos) == Some(&b'.') {
            let end = digits(bytes, pos + 1);
            if end == pos + 1 {
                return Err(Bail);
            }
            pos = end;
        }
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            let end = digits(bytes, pos);
            if end == pos {
                return Err(Bail);
            }
            pos = end;
        }
        self.pos = pos;
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Step {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Position of the first `"`, `\` or control character at or after
    /// `from`, or the length of the line.
    #[inline]
    fn find_special(&self, from: usize) -> usize {
        // A special byte right there (an escape after an escape, in text
        // written with every non-ASCII character as `\uXXXX`; an empty
        // string) needs no scan.
        match self.bytes.get(from) {
            Some(&b) if is_special(b) => return from,
            None => return self.bytes.len(),
            Some(_) => {}
        }
        #[cfg(target_arch = "x86_64")]
        if self.vector {
            // SAFETY: `vector` is true only when `vector_available` found
            // AVX2 on this CPU.
            return unsafe { avx2::find_special(self.bytes, from) };
        }
        find_special_portable(self.bytes, from)
    }
}

/// The value of each hex digit; -1 for other bytes.
static HEX: [i8; 256] = {
    let mut table = [-1i8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            d @ b'0'..=b'9' => (d - b'0') as i8,
            d @ b'a'..=b'f' => (d - b'a' + 10) as i8,
            d @ b'A'..=b'F' => (d - b'A' + 10) as i8,
            _ => -1,
        };
        b += 1;
    }
    table
};

/// Whether [`avx2::find_special`] may run (cached by the callees).
fn vector_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        crate::cpu::avx2_allowed() && is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether a byte ends a run of plain string bytes.
#[inline]
fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// [`Reader::find_special`] eight bytes at a time: the lowest flagged byte of
/// each word is exact (the usual zero-byte and less-than tests can only flag
/// spurious bytes above a real one).
fn find_special_portable(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let mut pos = from;
    while let Some(word) = bytes.get(pos..pos + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let flagged = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x);
        let flagged = flagged & HIGH;
        if flagged != 0 {
            return pos + (flagged.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos) {
        if is_special(b) {
            return pos;
        }
        pos += 1;
    }
    bytes.len()
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// [`super::find_special_portable`] 32 bytes at a time.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX2 (the only unsafety is calling a function
    /// compiled for it; memory is reached through bounds-checked array
    /// references).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn find_special(bytes: &[u8], from: usize) -> usize {
        let quote = _mm256_set1_epi8(b'"' as i8);
        let backslash = _mm256_set1_epi8(b'\\' as i8);
        let control_max = _mm256_set1_epi8(0x1f);
        let mut pos = from;
        while let Some(chunk) = bytes.get(pos..pos + 32) {
            let chunk: &[u8; 32] = chunk.try_into().expect("32 bytes");
            // SAFETY: a reference to 32 readable bytes; the load has no
            // alignment requirement.
            let x = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast()) };
            // x <= 0x1f (unsigned) exactly when max(x, 0x1f) == 0x1f.
            let control = _mm256_cmpeq_epi8(_mm256_max_epu8(x, control_max), control_max);
            let special = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(x, quote), _mm256_cmpeq_epi8(x, backslash)),
                control,
            );
            let mask = _mm256_movemask_epi8(special) as u32;
            if mask != 0 {
                return pos + mask.trailing_zeros() as usize;
            }
            pos += 32;
        }
        super::find_special_portable(bytes, pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::input::{extract_json_serde, record_outcome, FieldPaths, RecordId};

    /// The fast reader's answer, or `None` when it bails.
    fn fast(line: &str, paths: &FieldPaths) -> Option<Result<(String, Option<String>), String>> {
        let mut text = String::from("stale");
        match scan(line, paths, &mut text) {
            Scan::Bail => None,
            Scan::Done { text: state, id } => Some(settled(record_outcome(state, id, paths), text)),
        }
    }

    fn serde(line: &str, paths: &FieldPaths) -> Result<(String, Option<String>), String> {
        let mut text = String::from("stale");
        let result = extract_json_serde(line, paths, &mut text);
        settled(result, text)
    }

    fn settled(
        result: Result<RecordId<'_>, crate::input::BadRecord>,
        text: String,
    ) -> Result<(String, Option<String>), String> {
        match result {
            Ok(RecordId::Json(id)) => Ok((text, Some(id.to_string()))),
            Ok(RecordId::Missing) => Ok((text, None)),
            Err(bad) => Err(format!("{:?}: {}", bad.reason, bad.detail)),
        }
    }

    fn all_paths() -> Vec<FieldPaths> {
        [
            ("text", "id"),
            ("doc.body", "meta.id"),
            ("text", "text"),
            ("doc.body", "doc"),
            ("text", ""),
        ]
        .iter()
        .map(|(t, i)| FieldPaths::new(t, i).unwrap())
        .collect()
    }

    /// A small deterministic generator of JSON-ish records: mostly valid,
    /// with every kind of value, escape and number serde_json treats
    /// specially, and some plain mistakes.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            // splitmix64
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
            items[self.below(items.len() as u64) as usize]
        }
        fn ws(&mut self, out: &mut String) {
            if self.below(4) == 0 {
                out.push_str(self.pick(&[" ", "\t", "\r\n ", "  "]));
            }
        }
        fn string(&mut self, out: &mut String) {
            out.push('"');
            for _ in 0..self.below(12) {
                let piece = if self.below(12) == 0 {
                    self.pick(&[
                        r"\ud800",
                        r"\udc00",
                        r"\ud800x",
                        r"\ud800\n",
                        r"\ud800\u0041",
                        r"\uzzzz",
                        r"\u12",
                        r"\x",
                        "\u{1}",
                        "\t",
                        "\n",
                    ])
                } else {
                    self.pick(&[
                        "plain words",
                        "Caf\u{e9} ",
                        "\u{65e5}\u{672c}",
                        r"\n",
                        r"\t",
                        r#"\""#,
                        r"\\",
                        r"\/",
                        r"\b",
                        r"\f",
                        r"\r",
                        r"\u00e9",
                        r"\u0041",
                        r"\ud83d\ude00",
                        r"\uD83D\uDE00",
                        r"\uDBFF\uDFFF",
                        " | ",
                        "{",
                        "}",
                        "[",
                        ":",
                        ",",
                        "\u{1F600}",
                    ])
                };
                out.push_str(piece);
            }
            if self.below(100) != 0 {
                out.push('"');
            }
        }
        fn number(&mut self, out: &mut String) {
            let number = if self.below(8) == 0 {
                self.pick(&[
                    "01", "-", "1.", "1e", ".5", "+1", "1.5.2", "0x10", "1e+", "-a",
                ])
            } else {
                self.pick(&[
                    "0",
                    "7",
                    "-3",
                    "12.5",
                    "-0.25e-3",
                    "1E+9",
                    "1e400",
                    "-1e400",
                    "18446744073709551616",
                    "123456789012345678901234567890",
                    "-0",
                    "2e-400",
                    "0.0",
                    "10",
                ])
            };
            out.push_str(number);
        }
        fn value(&mut self, out: &mut String, depth: u32) {
            self.ws(out);
            let kinds = if depth > 4 { 4 } else { 7 };
            match self.below(kinds) {
                0 => self.string(out),
                1 => self.number(out),
                2 => {
                    let literal = if self.below(10) == 0 {
                        self.pick(&["tru", "nul", "True", "nulll"])
                    } else {
                        self.pick(&["true", "false", "null"])
                    };
                    out.push_str(literal);
                }
                3 => self.string(out),
                4 | 5 => self.object(out, depth + 1),
                _ => {
                    out.push('[');
                    let n = self.below(4);
                    for i in 0..n {
                        if i > 0 {
                            out.push(',');
                        }
                        self.value(out, depth + 1);
                    }
                    if self.below(60) == 0 {
                        out.push(',');
                    }
                    out.push(if self.below(60) == 0 { '}' } else { ']' });
                }
            }
            self.ws(out);
        }
        fn object(&mut self, out: &mut String, depth: u32) {
            out.push('{');
            let n = self.below(5);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                self.ws(out);
                let key = if self.below(15) == 0 {
                    self.pick(&[
                        r#""t\u0065xt""#,
                        r#""\ud800""#,
                        r#"text"#,
                        r#""te"#,
                        "\"a\u{1}\"",
                    ])
                } else {
                    self.pick(&[
                        r#""text""#,
                        r#""id""#,
                        r#""doc""#,
                        r#""body""#,
                        r#""meta""#,
                        r#""url""#,
                        r#""x""#,
                        r#""""#,
                        r#""\u{e9}t\u{e9}""#,
                    ])
                };
                out.push_str(key);
                self.ws(out);
                if self.below(100) != 0 {
                    out.push(':');
                }
                self.value(out, depth);
            }
            if self.below(60) == 0 {
                out.push(',');
            }
            self.ws(out);
            if self.below(100) != 0 {
                out.push(if self.below(60) == 0 { ']' } else { '}' });
            }
        }
        fn record(&mut self) -> String {
            let mut out = String::new();
            self.ws(&mut out);
            if self.below(20) == 0 {
                self.value(&mut out, 0);
            } else {
                self.object(&mut out, 0);
            }
            self.ws(&mut out);
            if self.below(60) == 0 {
                out.push_str(self.pick(&["x", "{}", ",", "\u{0}"]));
            }
            // Edits at character boundaries, so the line stays UTF-8.
            for _ in 0..self.below(3) {
                if self.below(6) != 0 || out.is_empty() {
                    continue;
                }
                let chars: Vec<char> = out.chars().collect();
                let at = self.below(chars.len() as u64) as usize;
                let mut edited: String = chars[..at].iter().collect();
                match self.below(3) {
                    0 => {}
                    1 => edited.push_str(
                        self.pick(&["\"", "\\", "{", "}", "[", "]", ",", ":", "0", "e", " "]),
                    ),
                    _ => edited.push(chars[at]),
                }
                edited.extend(&chars[at + 1..]);
                out = edited;
            }
            out
        }
    }

    #[test]
    fn accepted_records_read_as_serde_json_reads_them() {
        let paths = all_paths();
        let (mut settled_here, mut valid, mut malformed) = (0, 0, 0);
        let mut gen = Gen(0x5eed);
        for _ in 0..60_000 {
            let line = gen.record();
            for p in &paths {
                let want = serde(&line, p);
                let is_valid = !want.as_ref().is_err_and(|e| e.starts_with("MalformedJson"));
                valid += usize::from(is_valid);
                malformed += usize::from(!is_valid);
                if let Some(got) = fast(&line, p) {
                    settled_here += 1;
                    assert_eq!(got, want, "{line:?}");
                }
            }
        }
        // The generator makes plenty of good and bad records; if the fast
        // reader bailed on nearly every good one this test would prove little.
        assert!(
            malformed * 5 > valid,
            "{malformed} malformed, {valid} valid"
        );
        assert!(
            settled_here * 2 > valid,
            "{settled_here} of {valid} valid records settled"
        );
    }

    #[test]
    fn ordinary_records_are_settled_here() {
        let paths = FieldPaths::new("text", "id").unwrap();
        let lines = [
            r#"{"id":"doc-1","url":"https://a.example/x","text":"Home | News\nBody text.\n"}"#,
            r#" {"text": "caf\u00e9 \ud83d\ude00 \"q\" \\ \/", "id": 17, "n": -1.5e3, "tags": ["a", {"b": [null, true]}]} "#,
            r#"{"id":{"shard":3,"n":[1,2]},"text":"","meta":{}}"#,
            "{\"text\":\"tab\\tand\\u0009\",\"id\":null}\r",
        ];
        for line in lines {
            let got = fast(line, &paths).unwrap_or_else(|| panic!("bailed on {line}"));
            assert_eq!(got, serde(line, &paths), "{line}");
        }
        assert_eq!(
            fast(lines[1], &paths).unwrap().unwrap().0,
            "caf\u{e9} \u{1F600} \"q\" \\ /"
        );
        let nested = FieldPaths::new("doc.body", "doc.id").unwrap();
        let line = r#"{"doc":{"id":"x-9","body":"deep"},"other":[1]}"#;
        assert_eq!(
            fast(line, &nested),
            Some(Ok(("deep".into(), Some("\"x-9\"".into()))))
        );
        // The synthetic corpus: every record settled here.
        let config = crate::synth::SynthConfig {
            documents: 300,
            ..Default::default()
        };
        let mut jsonl = Vec::new();
        crate::synth::write_jsonl(&config, &mut jsonl).unwrap();
        for line in std::str::from_utf8(&jsonl).unwrap().lines() {
            let got = fast(line, &paths).unwrap_or_else(|| panic!("bailed on {line}"));
            assert_eq!(got, serde(line, &paths));
        }
    }

    #[test]
    fn finders_agree_on_every_position() {
        // Each special byte, and a near miss, at every offset of lines
        // longer and shorter than a vector.
        let probes = [b'"', b'\\', 0x00, 0x1f, b'\n', 0x20, b'!', 0x7f, 0xc3];
        for len in [0usize, 1, 7, 8, 9, 31, 32, 33, 64, 70] {
            for at in 0..len {
                for &probe in &probes {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = probe;
                    let want = bytes.iter().position(|&b| is_special(b)).unwrap_or(len);
                    for from in [0, at.saturating_sub(1), at] {
                        let want = if from > want {
                            bytes[from..]
                                .iter()
                                .position(|&b| is_special(b))
                                .map_or(len, |p| p + from)
                        } else {
                            want
                        };
                        assert_eq!(
                            find_special_portable(&bytes, from),
                            want,
                            "{len} {at} {probe}"
                        );
                        #[cfg(target_arch = "x86_64")]
                        if vector_available() {
                            // SAFETY: AVX2 is available.
                            assert_eq!(unsafe { avx2::find_special(&bytes, from) }, want);
                        }
                    }
                }
            }
        }
    }
}
