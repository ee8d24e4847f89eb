//! Rows read as PostgreSQL's binary `COPY` output, streamed: the task that
//! drives the connection gathers the output's messages and hands them over
//! in pieces of `HANDOFF` bytes, and the caller reads each piece's rows while
//! PostgreSQL still writes the next (the output arrives as buffers instead of
//! a row object each: detect over the newest 5,000 of a million contacts
//! took 3.55 against 4.05 ms of server CPU per request; reading the pieces
//! as they come instead of after the last one took the reading off the
//! request's path).

use bytes::Bytes;
use futures_util::TryStreamExt;
use kasar_application::StoreError;

use crate::conn::Conn;

/// The signature that opens binary `COPY` output.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// Bytes gathered before they are handed to the caller: a few hand-overs
/// for a read of thousands of rows, not one per row (each wakes the caller
/// on another thread).
const HANDOFF: usize = 32 * 1024;

/// Pieces that may wait for the caller before the reading task waits too.
const WAITING: usize = 4;

/// Streams the output of `COPY (...) TO STDOUT (FORMAT binary)` statement
/// `sql`, of one column, on `conn`: each row's field (`None` for a null) to
/// `each` as it arrives; returns how many rows were read. The output is read
/// on the runtime that drives `conn` and its rows here. COPY takes no
/// parameters, so a statement holds its values: it is kept prepared on the
/// connection only when `keep` (one text, the default scan's: caching every
/// text would keep a statement per value asked), prepared for this one read
/// otherwise.
pub(crate) async fn each_field(
    conn: Conn,
    sql: String,
    keep: bool,
    each: &mut Each<'_>,
) -> Result<usize, StoreError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Bytes>>(WAITING);
    let produce = conn.on_runtime(move |conn| async move {
        let c = conn.client()?;
        let stmt = match keep {
            true => conn.bounded(c.prepare_cached(&sql)).await?,
            false => conn.bounded(c.prepare(&sql)).await?,
        };
        conn.bounded(async {
            let stream = c.copy_out(&stmt).await?;
            futures_util::pin_mut!(stream);
            let (mut piece, mut size) = (Vec::new(), 0);
            while let Some(chunk) = stream.try_next().await? {
                size += chunk.len();
                piece.push(chunk);
                if size >= HANDOFF {
                    size = 0;
                    if tx.send(std::mem::take(&mut piece)).await.is_err() {
                        return Ok(()); // the caller stopped reading: it has its error
                    }
                }
            }
            if !piece.is_empty() {
                // An error here is the caller's, who stopped reading.
                let _ = tx.send(piece).await;
            }
            Ok(())
        })
        .await
    });
    let consume = async {
        let mut fields = Fields::default();
        while let Some(piece) = rx.recv().await {
            for chunk in &piece {
                fields.feed(chunk, each)?;
            }
        }
        Ok(fields)
    };
    let ((), fields) = futures_util::future::try_join(produce, consume).await?;
    fields.finish()
}

/// A binary `COPY` output of one column, read in pieces cut anywhere.
#[derive(Debug, Default)]
struct Fields {
    /// The start of an item cut at the end of the last piece.
    pending: Vec<u8>,
    header_read: bool,
    ended: bool,
    rows: usize,
}

/// What receives each field.
type Each<'e> = dyn FnMut(Option<&[u8]>) -> Result<(), StoreError> + Send + 'e;

impl Fields {
    /// Reads `piece`: each whole row to `each`, an item cut at its end kept
    /// for the next piece.
    fn feed(&mut self, piece: &[u8], each: &mut Each<'_>) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            let used = self.read(piece, each)?;
            self.pending
                .extend_from_slice(piece.get(used..).unwrap_or_default());
        } else {
            let mut pending = std::mem::take(&mut self.pending);
            pending.extend_from_slice(piece);
            let used = self.read(&pending, each)?;
            pending.drain(..used);
            self.pending = pending;
        }
        Ok(())
    }

    /// Reads the whole items at the start of `buf`; returns how many bytes
    /// they take.
    fn read(&mut self, buf: &[u8], each: &mut Each<'_>) -> Result<usize, StoreError> {
        let mut at = 0;
        if !self.header_read {
            // The signature, the flags (none defined changes the layout),
            // then the length of the header's extension, skipped.
            let length_at = SIGNATURE.len() + 4;
            let Some(fixed) = buf.get(..length_at + 4) else {
                return Ok(0);
            };
            if !fixed.starts_with(SIGNATURE) {
                return Err(malformed("no binary COPY signature"));
            }
            let extension = usize::try_from(u32::from_be_bytes(array(fixed, length_at)?))
                .map_err(|_| malformed("header"))?;
            at = fixed.len() + extension;
            if buf.len() < at {
                return Ok(0);
            }
            self.header_read = true;
        }
        loop {
            if self.ended {
                return match at == buf.len() {
                    true => Ok(at),
                    false => Err(malformed("bytes after the end")),
                };
            }
            let Some(count) = buf.get(at..at + 2) else {
                return Ok(at);
            };
            match i16::from_be_bytes(array(count, 0)?) {
                -1 => {
                    self.ended = true;
                    at += 2;
                    continue;
                }
                1 => {}
                n => return Err(malformed(&format!("a row of {n} fields, not 1"))),
            }
            let Some(len) = buf.get(at + 2..at + 6) else {
                return Ok(at);
            };
            let start = at + 6;
            match usize::try_from(i32::from_be_bytes(array(len, 0)?)) {
                Ok(len) => {
                    let Some(field) = buf.get(start..start + len) else {
                        return Ok(at);
                    };
                    each(Some(field))?;
                    at = start + len;
                }
                Err(_) => {
                    each(None)?; // -1: null
                    at = start;
                }
            }
            self.rows += 1;
        }
    }

    /// How many rows were read, once the output has ended whole.
    fn finish(self) -> Result<usize, StoreError> {
        match self.ended && self.pending.is_empty() {
            true => Ok(self.rows),
            false => Err(malformed("output cut short")),
        }
    }
}

/// The `N` bytes of `buf` at `at`.
fn array<const N: usize>(buf: &[u8], at: usize) -> Result<[u8; N], StoreError> {
    buf.get(at..at + N)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| malformed("output cut short"))
}

fn malformed(what: &str) -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!("unexpected COPY output: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(rows: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend_from_slice(&0u32.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        for row in rows {
            out.extend_from_slice(&1i16.to_be_bytes());
            match row {
                Some(b) => {
                    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                    out.extend_from_slice(b);
                }
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        out.extend_from_slice(&(-1i16).to_be_bytes());
        out
    }

    /// The fields of `out` read in pieces of `size` bytes.
    fn read(out: &[u8], size: usize) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let mut got = Vec::new();
        let mut each = |f: Option<&[u8]>| {
            got.push(f.map(<[u8]>::to_vec));
            Ok(())
        };
        let mut fields = Fields::default();
        for piece in out.chunks(size) {
            fields.feed(piece, &mut each)?;
        }
        let rows = fields.finish()?;
        assert_eq!(rows, got.len());
        Ok(got)
    }

    #[test]
    fn reads_every_row_and_nulls_however_the_output_is_cut() {
        let rows: [Option<&[u8]>; 4] = [Some(b"ab"), None, Some(b""), Some(&[7; 40])];
        let out = output(&rows);
        let want: Vec<Option<Vec<u8>>> = rows.iter().map(|r| r.map(<[u8]>::to_vec)).collect();
        for size in 1..=out.len() {
            assert_eq!(read(&out, size).unwrap(), want, "pieces of {size} bytes");
        }
        assert!(read(&output(&[]), 3).unwrap().is_empty());
        // A header extension (none is defined yet) is skipped.
        let mut extended = out[..15].to_vec();
        extended.extend_from_slice(&3u32.to_be_bytes());
        extended.extend_from_slice(b"ext");
        extended.extend_from_slice(&out[19..]);
        for size in 1..=extended.len() {
            assert_eq!(
                read(&extended, size).unwrap(),
                want,
                "pieces of {size} bytes"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_one_column_of_copy() {
        let good = output(&[Some(b"abc")]);
        assert!(read(&good[..good.len() - 1], 4).is_err());
        assert!(read(b"PGCOPY", 4).is_err());
        assert!(read(&[good.clone(), vec![0]].concat(), 4).is_err());
        let mut two = good.clone();
        two[19] = 0;
        two[20] = 2;
        assert!(read(&two, 5).is_err());
        let mut signed = good;
        signed[0] = b'X';
        assert!(read(&signed, 64).is_err());
    }
}
