//! Text assembled from pieces of a file, with the map back to the file:
//! a Dockerfile instruction whose continuation lines were joined, or a
//! value whose variables were substituted. Words found in the assembled text
//! keep spans that point into the file.

use crate::span::Span;

/// An assembled text and, for every byte of it, where it came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    pieces: Vec<Piece>,
}

/// A run of the assembled text: either copied byte for byte from `source`,
/// or a replacement for all of `source` (a substituted `${VAR}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    /// Where the run starts in the assembled text.
    at: u32,
    len: u32,
    source: Span,
    verbatim: bool,
}

impl MappedText {
    /// `text` as it stands at `start` in the source.
    pub fn verbatim(text: &str, start: u32) -> Self {
        let mut mapped = MappedText::default();
        mapped.push_verbatim(text, start);
        mapped
    }

    /// Appends text copied from the source at `start`.
    pub fn push_verbatim(&mut self, text: &str, start: u32) {
        self.push(text, Span::new(start, start + to_u32(text.len())), true);
    }

    /// Appends text that stands for the whole of `source`.
    pub fn push_replacement(&mut self, text: &str, source: Span) {
        self.push(text, source, false);
    }

    fn push(&mut self, text: &str, source: Span, verbatim: bool) {
        if text.is_empty() && verbatim {
            return;
        }
        self.pieces.push(Piece { at: to_u32(self.text.len()), len: to_u32(text.len()), source, verbatim });
        self.text.push_str(text);
    }

    /// The source offset of the byte at `offset` (the end of the source
    /// when `offset` is the end of the text).
    pub fn to_source(&self, offset: u32) -> u32 {
        match self.pieces.iter().find(|p| p.at <= offset && offset < p.at + p.len) {
            Some(p) if p.verbatim => p.source.start + (offset - p.at),
            Some(p) => p.source.start,
            None => self.pieces.last().map_or(0, |p| p.source.end),
        }
    }

    /// Where the bytes of `span` (a range of the text) came from: from the
    /// source of its first byte to the source of its last byte.
    pub fn span_to_source(&self, span: Span) -> Span {
        let start = self.to_source(span.start);
        if span.is_empty() {
            return Span::at(start);
        }
        let last = span.end - 1;
        let end = match self.pieces.iter().find(|p| p.at <= last && last < p.at + p.len) {
            Some(p) if p.verbatim => p.source.start + (last - p.at) + 1,
            Some(p) => p.source.end,
            None => start,
        };
        Span::new(start, end.max(start))
    }

    /// The source range the whole text came from.
    pub fn source_span(&self) -> Span {
        match (self.pieces.first(), self.pieces.last()) {
            (Some(first), Some(last)) => Span::new(first.source.start, last.source.end.max(first.source.start)),
            _ => Span::default(),
        }
    }

    /// The part of the text in `start..end`, still mapped.
    #[must_use]
    pub fn slice(&self, start: usize, end: usize) -> MappedText {
        let (start, end) = (to_u32(start), to_u32(end.min(self.text.len())));
        let mut out = MappedText::default();
        for p in &self.pieces {
            let (lo, hi) = (p.at.max(start), (p.at + p.len).min(end));
            if lo >= hi && !(p.len == 0 && p.at >= start && p.at < end) {
                continue;
            }
            let text = &self.text[lo as usize..hi as usize];
            if p.verbatim {
                out.push_verbatim(text, p.source.start + (lo - p.at));
            } else {
                out.push_replacement(text, p.source);
            }
        }
        out
    }

    /// The text without leading and trailing whitespace, still mapped.
    #[must_use]
    pub fn trim(&self) -> MappedText {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len().max(start);
        self.slice(start, end)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_lines_map_back() {
        // "RUN a \\\n  b" joined as "RUN a " + "  b"
        let src = "RUN a \\\n  b";
        let mut text = MappedText::verbatim(&src[..6], 0);
        text.push_verbatim(&src[8..], 8);
        assert_eq!(text.text, "RUN a   b");
        let b = text.text.find('b').unwrap();
        assert_eq!(text.span_to_source(Span::new(to_u32(b), to_u32(b) + 1)).text(src), "b");
        // a span across the join covers the continuation in the source
        assert_eq!(text.span_to_source(Span::new(4, 9)).text(src), "a \\\n  b");
        assert_eq!(text.source_span(), Span::new(0, to_u32(src.len())));
    }

    #[test]
    fn replacements_map_to_what_they_replace() {
        let src = "x${PORT:-80}y";
        let mut text = MappedText::verbatim("x", 0);
        text.push_replacement("80", Span::new(1, 12));
        text.push_verbatim("y", 12);
        assert_eq!(text.text, "x80y");
        assert_eq!(text.span_to_source(Span::new(1, 3)).text(src), "${PORT:-80}");
        assert_eq!(text.span_to_source(Span::new(0, 4)).text(src), src);
        assert_eq!(text.to_source(3), 12);
    }

    #[test]
    fn slices_and_trims() {
        let src = "  CMD  run  ";
        let text = MappedText::verbatim(src, 100).trim();
        assert_eq!(text.text, "CMD  run");
        assert_eq!(text.source_span(), Span::new(102, 110));
        let run = text.slice(5, 8);
        assert_eq!(run.text, "run");
        assert_eq!(run.source_span(), Span::new(107, 110));
    }
}
