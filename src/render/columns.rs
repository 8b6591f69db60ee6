//! kubectl-style aligned columns: each column as wide as its widest cell, three spaces
//! apart, the last column unpadded. Widths are measured on the plain text, so colour codes
//! added afterwards do not skew the alignment.

pub(crate) struct Columns {
    rows: Vec<Vec<String>>,
}

impl Columns {
    pub(crate) fn new() -> Self {
        Columns { rows: Vec::new() }
    }

    pub(crate) fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The column widths, for callers that interleave other lines with the rows.
    pub(crate) fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = Vec::new();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                let width = cell.chars().count();
                match widths.get_mut(i) {
                    Some(w) => *w = (*w).max(width),
                    None => widths.push(width),
                }
            }
        }
        widths
    }

    /// Lays out one row with the given widths; `paint` may colour a cell by column index
    /// after padding is decided.
    pub(crate) fn format_row(
        widths: &[usize],
        row: &[String],
        paint: impl Fn(usize, &str) -> String,
    ) -> String {
        let last = row.len().saturating_sub(1);
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(&paint(i, cell));
            if i < last {
                let pad = widths.get(i).copied().unwrap_or(0) - cell.chars().count();
                line.push_str(&" ".repeat(pad + 3));
            }
        }
        line
    }

    pub(crate) fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }
}

impl Default for Columns {
    fn default() -> Self {
        Columns::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_on_the_widest_cell_without_trailing_padding() {
        let mut c = Columns::new();
        c.row(["A", "BBB", "x"]);
        c.row(["CCCC", "D", "yy"]);
        let widths = c.widths();
        let lines: Vec<String> = c
            .rows()
            .iter()
            .map(|r| Columns::format_row(&widths, r, |_, s| s.to_string()))
            .collect();
        assert_eq!(lines, ["A      BBB   x", "CCCC   D     yy"]);
    }
}
