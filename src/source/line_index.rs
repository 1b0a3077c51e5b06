//! Byte offset → line and column, computed once per file.

/// Start offsets of every line of a text.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        #[allow(clippy::cast_possible_truncation)] // files are capped far below 4 GiB
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i as u32 + 1));
        Self { starts }
    }

    /// 1-based line and 1-based column (in Unicode scalar values) of `offset`.
    pub fn line_col(&self, text: &str, offset: u32) -> (usize, usize) {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1] as usize;
        let end = (offset as usize).min(text.len());
        let column = text.get(start..end).map_or(end.saturating_sub(start), |s| s.chars().count()) + 1;
        (line, column)
    }

    /// 1-based line of `offset`.
    pub fn line(&self, offset: u32) -> usize {
        self.starts.partition_point(|s| *s <= offset).max(1)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\nçd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 3), (2, 1));
        assert_eq!(index.line_col(text, 5), (2, 2)); // after the two-byte ç
        assert_eq!(index.line_col(text, 7), (3, 1));
        assert_eq!(index.line_start(2), Some(3));
    }
}
