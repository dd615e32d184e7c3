use super::*;

fn fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[test]
fn regular_files_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a");
    std::fs::write(&path, b"hello").expect("write");
    assert_eq!(read_regular(&path, 5).expect("read"), b"hello");
    assert!(matches!(
        read_regular(&path, 4),
        Err(ReadError::TooLarge { limit: 4 })
    ));
    assert!(check_regular(&path, 5).expect("check"));
    assert!(check_regular(&path, 4).is_err());
    assert!(!check_regular(&dir.path().join("missing"), 5).expect("check"));
}

#[test]
fn special_files_are_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pipe = dir.path().join("pipe");
    fifo(&pipe);
    let zero = dir.path().join("zero");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let socket_path = dir.path().join("socket");
    let _socket = std::os::unix::net::UnixListener::bind(&socket_path).expect("bind");
    for (path, kind) in [
        (&pipe, "a FIFO"),
        (&zero, "a device"),
        (&socket_path, "a socket"),
    ] {
        let err = read_regular(path, 1 << 20).expect_err("refused");
        assert_eq!(err.to_string(), format!("not a regular file ({kind})"));
        let err = check_regular(path, 1 << 20).expect_err("refused");
        assert_eq!(err.to_string(), format!("not a regular file ({kind})"));
    }
    let err = read_regular(dir.path(), 1 << 20).expect_err("refused");
    assert_eq!(err.to_string(), "not a regular file (a directory)");
}

#[test]
fn reading_stops_past_the_limit() {
    let mut buffer = b"keep".to_vec();
    let err = read_limited(std::io::repeat(b'x'), 1000, &mut buffer).expect_err("too large");
    assert_eq!(err.to_string(), "the file is larger than 1000 bytes");
    assert_eq!(buffer, b"keep");
    assert_eq!(human_size(NOTEBOOK_LIMIT), "1 GiB");
    assert_eq!(human_size(SETTINGS_LIMIT), "16 MiB");
}
