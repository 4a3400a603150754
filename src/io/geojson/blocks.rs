//! The file read in blocks for the stream: UTF-8 checked across block edges, lines and columns
//! counted, values captured by tracking strings and brackets only.

use super::stream::Stop;
use crate::io::loader::Progress;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};

/// How much of the file one read takes.
const BLOCK_BYTES: usize = 4 << 20;

/// The file in blocks, as bytes to scan, with the UTF-8 check and line count kept up.
pub(super) struct Blocks<'a> {
    reader: Box<dyn Read + 'a>,
    buf: Vec<u8>,
    pos: usize,
    /// Bytes of an unfinished UTF-8 sequence at the end of the last block.
    pending: Vec<u8>,
    /// Newlines before the current block, and bytes since the last one.
    lines: usize,
    column: usize,
    progress: &'a Progress,
    cancel: &'a AtomicBool,
    read_so_far: u64,
}

impl<'a> Blocks<'a> {
    /// After a member or an element: a comma moves on to the next (false), `close` ends the
    /// object or array (true); anything else is for the document tree's reader.
    pub(super) fn next_or_close(&mut self, close: u8) -> Result<bool, Stop> {
        match self.skip_ws()? {
            Some(b',') => {
                self.next()?;
                Ok(false)
            }
            Some(c) if c == close => {
                self.next()?;
                Ok(true)
            }
            _ => Err(Stop::Unusual),
        }
    }

    pub(super) fn new(
        reader: Box<dyn Read + 'a>,
        progress: &'a Progress,
        cancel: &'a AtomicBool,
    ) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            pos: 0,
            pending: Vec::new(),
            lines: 0,
            column: 0,
            progress,
            cancel,
            read_so_far: 0,
        }
    }

    /// Reads the next block; false at the end of the file.
    pub(super) fn refill(&mut self) -> Result<bool, Stop> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Stop::Cancelled);
        }
        // Count the lines of the block done with.
        for &b in &self.buf {
            if b == b'\n' {
                self.lines += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        self.buf.clear();
        self.buf.resize(BLOCK_BYTES, 0);
        let mut filled = 0;
        while filled < BLOCK_BYTES {
            match self.reader.read(&mut self.buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Io(e)),
            }
        }
        self.buf.truncate(filled);
        self.pos = 0;
        self.read_so_far += filled as u64;
        self.progress
            .bytes_done
            .store(self.read_so_far, Ordering::Relaxed);
        self.check_utf8(filled == 0)?;
        Ok(filled > 0)
    }

    /// Checks the new block (after what the last one left unfinished) is UTF-8.
    pub(super) fn check_utf8(&mut self, at_end: bool) -> Result<(), Stop> {
        let mut text = std::mem::take(&mut self.pending);
        text.extend_from_slice(&self.buf);
        match std::str::from_utf8(&text) {
            Ok(_) => Ok(()),
            Err(e) if e.error_len().is_none() && !at_end => {
                self.pending = text[e.valid_up_to()..].to_vec();
                Ok(())
            }
            Err(e) => {
                // The bad byte's place: count from the start of this block (less what was
                // pending from the last one, which the line count already covers).
                let offset = e.valid_up_to();
                let carried = text.len() - self.buf.len();
                let (mut line, mut column) = (self.lines + 1, self.column + 1);
                let bytes = if offset >= carried {
                    &self.buf[..offset - carried]
                } else {
                    column -= carried - offset;
                    &[][..]
                };
                for &b in bytes {
                    if b == b'\n' {
                        line += 1;
                        column = 1;
                    } else {
                        column += 1;
                    }
                }
                Err(Stop::Utf8(line, column))
            }
        }
    }

    /// Skips the UTF-8 byte-order mark that may lead the text.
    pub(super) fn skip_byte_order_mark(&mut self) -> Result<(), Stop> {
        if self.peek()?.is_some() && self.buf[self.pos..].starts_with(b"\xef\xbb\xbf") {
            self.pos += 3;
        }
        Ok(())
    }

    pub(super) fn peek(&mut self) -> Result<Option<u8>, Stop> {
        if self.pos >= self.buf.len() && !self.refill()? {
            return Ok(None);
        }
        Ok(self.buf.get(self.pos).copied())
    }

    pub(super) fn next(&mut self) -> Result<Option<u8>, Stop> {
        let b = self.peek()?;
        self.pos += 1;
        Ok(b)
    }

    pub(super) fn skip_ws(&mut self) -> Result<Option<u8>, Stop> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                other => return Ok(other),
            }
        }
    }

    /// Copies one JSON value (balanced brackets, strings whole) into `out`; the value must
    /// start at the current byte.
    pub(super) fn capture_value(&mut self, out: &mut Vec<u8>) -> Result<(), Stop> {
        let Some(first) = self.peek()? else {
            return Err(Stop::Unusual);
        };
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escape = false;
        let mut started = false;
        loop {
            if self.pos >= self.buf.len() && !self.refill()? {
                // The end of the file: a scalar may end there, nothing else.
                return if scalar && started {
                    Ok(())
                } else {
                    Err(Stop::Unusual)
                };
            }
            let start = self.pos;
            let bytes = &self.buf[start..];
            let mut end = None;
            for (i, &b) in bytes.iter().enumerate() {
                if in_string {
                    if escape {
                        escape = false;
                    } else if b == b'\\' {
                        escape = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    continue;
                }
                if scalar {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        end = Some(i);
                        break;
                    }
                    started = true;
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let taken = end.unwrap_or(bytes.len());
            out.extend_from_slice(&bytes[..taken]);
            self.pos = start + taken;
            if end.is_some() {
                return Ok(());
            }
        }
    }
}
pub(super) fn trim(b: &[u8]) -> &[u8] {
    let b = trim_start(b);
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &b[..end]
}

pub(super) fn trim_start(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

impl Blocks<'_> {
    /// Newlines before the current byte.
    pub(super) fn lines_so_far(&self) -> usize {
        self.lines
            + self.buf[..self.pos.min(self.buf.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
    }
}
