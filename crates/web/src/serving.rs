//! How the serving threads write: kept bodies the kernel can send without
//! copying them, and connections that send them and share the core.
//!
//! A body written to a socket is copied into the kernel's buffers; a web
//! server serving files skips that copy with `sendfile(2)`, which hands the
//! socket the file's pages. For a 126 KB feed that copy was most of the
//! difference between the two (0.78 of nginx's rate without, 0.93 with).
//! So on Linux the page cache keeps its larger bodies in one unnamed file,
//! mapped once into the process: to every reader of the bytes they are
//! ordinary memory, and [`Stream`] (the serving threads' connections)
//! notices a body that lies in that mapping and sends it from the file
//! instead.
//!
//! The file is made in the data folder (`O_TMPFILE`: it has no name and
//! goes with the process) when [`keep_pages_in`] names one, else in memory
//! (`memfd_create`). The data folder's file system is the better home: a
//! disk file system keeps a file's pages in large folios, and sending
//! from them costs less than from the memory file's single pages (a
//! 131 KB feed: 28.7 µs of CPU a request against 33.8, over eight paired
//! rounds; in the pages bench, 0.94 of nginx's CPU a request, from 1.07).
//! Bodies go in with `pwrite`, so a full disk is a failed write
//! (the body then stays on the heap), never a fault on a mapped page; the
//! kernel writes the file's pages out to disk as it does any file's, and
//! they stay in its page cache while memory allows.
//!
//! Pages handed to a socket stay referenced by it until the peer has them,
//! so a freed region is never overwritten in place: its pages are punched
//! out of the file (`FALLOC_FL_PUNCH_HOLE`) before the room is reused, and
//! data still in flight keeps the old pages. Regions are whole pages.
//!
//! A [`Stream`] also has its thread yield the core now and then (see
//! [`YIELD_EVERY`]), which keeps tail latency down when the cores are
//! shared.
//!
//! Elsewhere, or when the mapping cannot be made, bodies are plain heap
//! copies and connections plain sockets.

use axum::body::Bytes;

/// Bodies at least this long go to the mapping. Measured on 2 cores with
/// thresholds of 8, 16 and 64 KB, three rounds each: the 26 KB gzip form of
/// a feed went 6% faster from the file; a 9 KB body 3% slower (a second
/// system call for the head costs more than its copy); 17–28 KB plain
/// pages the same either way. Regions are whole pages, so small bodies
/// would also waste room. Lowered from 16 to 12 KB later: the 15 KB plain
/// search pages then went at 1.045 of nginx's rate against 1.01 (eleven
/// paired rounds each), at the same CPU a request.
pub const SENDABLE_FROM: usize = 12 << 10;

/// Makes the file of kept bodies in `dir` (the data folder) rather than in
/// memory; to be called before the first page is kept. A folder whose file
/// system cannot make an unnamed file leaves them in memory.
pub fn keep_pages_in(dir: &std::path::Path) {
    #[cfg(target_os = "linux")]
    linux::Arena::place(dir);
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
}

/// A copy of `body` for the cache: in the sendable mapping when it is large
/// enough and there is room, else on the heap, of exactly its length.
pub fn keep(body: &[u8]) -> Bytes {
    #[cfg(target_os = "linux")]
    if body.len() >= SENDABLE_FROM
        && let Some(bytes) = linux::Arena::get().and_then(|a| a.keep(body))
    {
        return bytes;
    }
    Bytes::copy_from_slice(body)
}

#[cfg(target_os = "linux")]
pub use linux::Stream;

/// Off Linux a connection is the socket itself.
#[cfg(not(target_os = "linux"))]
pub type Stream = tokio::net::TcpStream;

#[cfg(not(target_os = "linux"))]
pub fn stream(tcp: tokio::net::TcpStream) -> Stream {
    tcp
}

#[cfg(target_os = "linux")]
pub use linux::stream;

/// A serving thread yields its core after this many flushes of its
/// connections (one or two a request: hyper flushes after writing a
/// response and on each turn of a connection's loop).
const YIELD_EVERY: u32 = 64;

thread_local! {
    static FLUSHES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// On each flush: every [`YIELD_EVERY`]th, the serving thread lets
/// the other threads on its core run (`sched_yield`).
///
/// Under load the serving threads share the cores with the clients and
/// with the kernel's work on their replies. Left alone they run until the
/// scheduler's tick takes the core, and every connection of a thread then
/// waits milliseconds: with wrk's 64 connections on 2 cores, p99 was
/// 7–8 ms at a p50 of 0.1 ms. Yielding every 64 flushes hands the core
/// over in small pieces instead: p99 0.9–3.5 ms, at the same rate for
/// gzip and 5–10% more for plain bodies (every 32: p99 1–3 ms but 5% fewer
/// pages; every 128: p99 up to 5.2 ms). It costs one system call in 64
/// when nothing else wants the core. Yielding only after a thread had
/// worked 100–1,000 µs without sleeping did not help: it sleeps often, and
/// the long waits came all the same.
fn turn_taken() {
    let n = FLUSHES.get().wrapping_add(1);
    FLUSHES.set(n);
    if n.is_multiple_of(YIELD_EVERY) {
        std::thread::yield_now();
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::BTreeMap;
    use std::fs::File;
    use std::io::{self, IoSlice};
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    use std::path::{Path, PathBuf};
    use std::pin::Pin;
    use std::sync::{Mutex, OnceLock};
    use std::task::{Context, Poll, ready};

    use axum::body::Bytes;
    use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
    use tokio::net::TcpStream;

    const PAGE: usize = 4096;
    /// The mapping's size: address space only (the file is sparse and
    /// nothing is reserved), far beyond any page cache's bound, so room
    /// runs out only through fragmentation nobody will see.
    const SPAN: usize = 16 << 30;

    pub struct Arena {
        file: File,
        base: usize,
        /// Free runs of pages: offset → length, merged with neighbours.
        free: Mutex<BTreeMap<usize, usize>>,
    }

    /// The folder [`Arena::get`] makes its file in, if one was named.
    static PLACE: OnceLock<PathBuf> = OnceLock::new();

    impl Arena {
        pub fn place(dir: &Path) {
            let _ = PLACE.set(dir.to_owned());
        }

        /// The process's arena, made on first use; `None` where the system
        /// refuses (no memfd, a locked-down sandbox).
        pub fn get() -> Option<&'static Arena> {
            static ARENA: OnceLock<Option<Arena>> = OnceLock::new();
            ARENA
                .get_or_init(|| {
                    let file = PLACE.get().and_then(|dir| match unnamed_file(dir) {
                        Ok(file) => Some(file),
                        Err(e) => {
                            tracing::info!(
                                "kept pages are kept in memory ({} cannot hold an unnamed file: {e})",
                                dir.display()
                            );
                            None
                        }
                    });
                    match file.map_or_else(memory_file, Ok).and_then(Arena::make) {
                        Ok(arena) => Some(arena),
                        Err(e) => {
                            tracing::info!("kept pages are copied to sockets (no file mapping: {e})");
                            None
                        }
                    }
                })
                .as_ref()
        }

        fn make(file: File) -> io::Result<Arena> {
            file.set_len(SPAN as u64)?;
            // SAFETY: a read-only shared mapping of a file we own; it is
            // only ever reached through `base` within `SPAN`, and lives as
            // long as the arena (a static, or leaked in tests).
            let base = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    SPAN,
                    libc::PROT_READ,
                    libc::MAP_SHARED | libc::MAP_NORESERVE,
                    file.as_raw_fd(),
                    0,
                )
            };
            if base == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            Ok(Arena {
                file,
                base: base as usize,
                free: Mutex::new(BTreeMap::from([(0, SPAN)])),
            })
        }

        /// `body` copied into a region of its own, freed when the last
        /// clone of the returned bytes is dropped.
        pub fn keep(&'static self, body: &[u8]) -> Option<Bytes> {
            let len = body.len().div_ceil(PAGE) * PAGE;
            let offset = self.take(len)?;
            // The region [offset, offset + len) is ours alone until
            // `Region::drop` gives it back.
            if let Err(e) = self.file.write_all_at(body, offset as u64) {
                // A full disk, mostly: the room goes back (and what was
                // written of the body out of the file).
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| tracing::warn!("kept pages stay on the heap for now: {e}"));
                self.give_back(offset, len);
                return None;
            }
            Some(Bytes::from_owner(Region {
                arena: self,
                offset,
                len,
                used: body.len(),
            }))
        }

        /// First fit among the free runs.
        fn take(&self, len: usize) -> Option<usize> {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            let (&at, &room) = free.iter().find(|&(_, &room)| room >= len)?;
            free.remove(&at);
            if room > len {
                free.insert(at + len, room - len);
            }
            Some(at)
        }

        fn give_back(&self, mut offset: usize, mut len: usize) {
            // The pages leave the file first: a socket still sending them
            // keeps them, and the next body here gets fresh ones.
            // SAFETY: a range of our own file, whole pages.
            let punched = unsafe {
                libc::fallocate(
                    self.file.as_raw_fd(),
                    libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
                    offset as libc::off_t,
                    len as libc::off_t,
                )
            } == 0;
            if !punched {
                // Writing over pages a socket may still hold would change
                // a response in flight: the room is lost instead (once it
                // is all lost, bodies go to the heap).
                static SAID: std::sync::Once = std::sync::Once::new();
                let e = io::Error::last_os_error();
                SAID.call_once(|| tracing::warn!("freed page-cache room cannot be reused: {e}"));
                return;
            }
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((&before, &room)) = free.range(..offset).next_back()
                && before + room == offset
            {
                free.remove(&before);
                offset = before;
                len += room;
            }
            if let Some(room) = free.remove(&(offset + len)) {
                len += room;
            }
            free.insert(offset, len);
        }

        /// Where `bytes` lie in the file, if they lie in the mapping (an
        /// empty slice never does: nothing to send, and a write of nothing
        /// would read as a closed socket).
        fn offset_of(&self, bytes: &[u8]) -> Option<usize> {
            if bytes.is_empty() {
                return None;
            }
            let at = (bytes.as_ptr() as usize).checked_sub(self.base)?;
            (at + bytes.len() <= SPAN).then_some(at)
        }
    }

    /// A file with no name in `dir`, readable and writable by this user
    /// alone, gone when the process is.
    fn unnamed_file(dir: &Path) -> io::Result<File> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_TMPFILE | libc::O_CLOEXEC)
            .open(dir)
    }

    /// A file in memory.
    fn memory_file() -> io::Result<File> {
        // SAFETY: a plain system call on a name we own; the descriptor is
        // checked and then owned by the `File`.
        unsafe {
            let fd = libc::memfd_create(c"sitrep-pages".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(File::from_raw_fd(fd))
        }
    }

    struct Region {
        arena: &'static Arena,
        offset: usize,
        len: usize,
        used: usize,
    }

    impl AsRef<[u8]> for Region {
        fn as_ref(&self) -> &[u8] {
            // SAFETY: written in `keep`, unchanged until `drop`.
            unsafe {
                std::slice::from_raw_parts((self.arena.base + self.offset) as *const u8, self.used)
            }
        }
    }

    impl Drop for Region {
        fn drop(&mut self) {
            self.arena.give_back(self.offset, self.len);
        }
    }

    /// A connection whose writes of kept bodies go out by `sendfile`.
    pub struct Stream {
        tcp: TcpStream,
        arena: Option<&'static Arena>,
    }

    pub fn stream(tcp: TcpStream) -> Stream {
        Stream {
            tcp,
            arena: Arena::get(),
        }
    }

    impl Stream {
        /// Runs a non-blocking write system call once the socket can take
        /// bytes, again after each spurious wake-up.
        fn poll_syscall(
            &self,
            cx: &mut Context<'_>,
            mut call: impl FnMut(libc::c_int) -> isize,
        ) -> Poll<io::Result<usize>> {
            let fd = self.tcp.as_raw_fd();
            loop {
                ready!(self.tcp.poll_write_ready(cx))?;
                match self.tcp.try_io(Interest::WRITABLE, || {
                    let n = call(fd);
                    if n < 0 {
                        Err(io::Error::last_os_error())
                    } else {
                        Ok(n as usize)
                    }
                }) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    done => return Poll::Ready(done),
                }
            }
        }

        fn poll_sendfile(
            &self,
            cx: &mut Context<'_>,
            arena: &Arena,
            offset: usize,
            len: usize,
        ) -> Poll<io::Result<usize>> {
            let file = arena.file.as_raw_fd();
            self.poll_syscall(cx, |socket| {
                let mut at = offset as libc::off_t;
                // SAFETY: both descriptors are open; `at` outlives the call.
                unsafe { libc::sendfile(socket, file, &mut at, len) }
            })
        }

        /// The slices before a kept body (the response's head), sent with
        /// `MSG_MORE` so they leave in one packet with the body's start.
        fn poll_send_more(
            &self,
            cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            self.poll_syscall(cx, |socket| {
                // SAFETY: `IoSlice` is `iovec` on Unix; the slices outlive
                // the call, and the header names nothing else.
                unsafe {
                    let mut msg: libc::msghdr = std::mem::zeroed();
                    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
                    msg.msg_iovlen = bufs.len() as _;
                    libc::sendmsg(socket, &msg, libc::MSG_MORE | libc::MSG_NOSIGNAL)
                }
            })
        }
    }

    impl AsyncRead for Stream {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut self.tcp).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for Stream {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            if let Some(arena) = self.arena
                && let Some(offset) = arena.offset_of(buf)
            {
                return self.poll_sendfile(cx, arena, offset, buf.len());
            }
            Pin::new(&mut self.tcp).poll_write(cx, buf)
        }

        fn poll_write_vectored(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let Some(arena) = self.arena else {
                return Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs);
            };
            // Up to the first kept body as one write, then the body from
            // the file; the writer calls again for what is left.
            let kept = bufs
                .iter()
                .enumerate()
                .find_map(|(i, b)| arena.offset_of(b).map(|offset| (i, offset)));
            match kept {
                None => Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs),
                Some((first, _)) if bufs[..first].iter().any(|b| !b.is_empty()) => {
                    self.poll_send_more(cx, &bufs[..first])
                }
                Some((first, offset)) => self.poll_sendfile(cx, arena, offset, bufs[first].len()),
            }
        }

        fn is_write_vectored(&self) -> bool {
            true
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            // After a response (and on each turn of hyper's loop): the
            // point to let others run.
            super::turn_taken();
            Pin::new(&mut self.tcp).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.tcp).poll_shutdown(cx)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Arenas of the test's own (others would take freed room): one
        /// in memory and one in a file with no name in the temporary
        /// folder, each where the system can make it.
        fn own_arenas() -> Vec<&'static Arena> {
            [memory_file(), unnamed_file(&std::env::temp_dir())]
                .into_iter()
                .filter_map(|file| file.and_then(Arena::make).ok())
                .map(|a| &*Box::leak(Box::new(a)))
                .collect()
        }

        #[tokio::test]
        async fn a_body_still_in_a_socket_keeps_its_bytes_when_its_room_is_reused() {
            for arena in own_arenas() {
                still_in_a_socket(arena).await;
            }
        }

        async fn still_in_a_socket(arena: &'static Arena) {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut reader = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (tcp, _) = listener.accept().await.unwrap();
            let mut writer = Stream {
                tcp,
                arena: Some(arena),
            };
            // A head and a kept body in one vectored write, as hyper sends
            // a response; small enough to sit whole in the peer's buffer.
            let head = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
            let body = arena.keep(&vec![b'a'; 40_000]).unwrap();
            let at = arena.offset_of(&body).unwrap();
            let mut sent = 0;
            while sent < head.len() + body.len() {
                let bufs = if sent < head.len() {
                    vec![IoSlice::new(&head[sent..]), IoSlice::new(&body)]
                } else {
                    vec![IoSlice::new(&body[sent - head.len()..])]
                };
                sent += writer.write_vectored(&bufs).await.unwrap();
            }
            // Unread, the body is freed and its room taken by another.
            drop(body);
            let other = arena.keep(&vec![b'b'; 40_000]).unwrap();
            assert_eq!(arena.offset_of(&other), Some(at));
            let mut got = vec![0; head.len() + 40_000];
            reader.read_exact(&mut got).await.unwrap();
            assert_eq!(&got[..head.len()], &head[..]);
            assert!(got[head.len()..].iter().all(|&b| b == b'a'));
            assert!(other.iter().all(|&b| b == b'b'));
        }

        #[test]
        fn kept_bodies_read_back_and_freed_room_is_merged_and_reused() {
            for arena in own_arenas() {
                read_back_and_reused(arena);
            }
        }

        #[test]
        fn a_body_that_cannot_be_written_is_not_kept() {
            // A file the arena cannot write to stands for a full disk.
            let dir = std::env::temp_dir().join(format!("sitrep-arena-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("pages");
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&path)
                .unwrap();
            let mut arena = Arena::make(file).unwrap();
            arena.file = File::open(&path).unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
            let arena: &'static Arena = Box::leak(Box::new(arena));
            assert!(arena.keep(&[7u8; 20_000]).is_none());
            // Nor can its room be punched out with this handle, so it is
            // never handed out again; the next body is refused as well.
            assert!(!arena.free.lock().unwrap().contains_key(&0));
            assert!(arena.keep(&[8u8; 20_000]).is_none());
        }

        fn read_back_and_reused(arena: &'static Arena) {
            let a = arena.keep(&[1u8; 20_000]).unwrap();
            let b = arena.keep(&[2u8; 5_000]).unwrap();
            assert_eq!(&a[..], &[1u8; 20_000][..]);
            assert_eq!(&b[..], &[2u8; 5_000][..]);
            let a_at = arena.offset_of(&a).unwrap();
            let b_at = arena.offset_of(&b).unwrap();
            assert_eq!(a_at % PAGE, 0);
            assert_eq!(arena.offset_of(&a[1..]), Some(a_at + 1));
            assert!(arena.offset_of(&a[..0]).is_none());
            assert_ne!(a_at, b_at);
            // A clone keeps the region; the last drop frees it.
            let a2 = a.clone();
            drop(a);
            assert_eq!(a2[19_999], 1);
            drop(a2);
            drop(b);
            // Freed, merged and punched: the next body takes the lowest
            // room again and reads back as written.
            let c = arena.keep(&[3u8; 30_000]).unwrap();
            assert!(arena.offset_of(&c).unwrap() <= a_at.min(b_at));
            assert!(c.iter().all(|&x| x == 3));
            assert!(arena.offset_of(&[0u8; 4][..]).is_none());
        }
    }
}
