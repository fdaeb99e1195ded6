//! A 2 GiB media download and upload through the client, generated on the fly by a loopback
//! server: the client's memory stays flat. The peak resident size of this test process (client
//! and server together; this file holds one test, so nothing else runs in the process) is
//! printed and held under 64 MiB, where a client that buffered the body would need over 2 GiB.

mod loopback;

use std::time::Duration;

use loopback::{head, Reply, Server};
use odata_runtime::client::{Body, Client, Media, ReqwestTransport};

const SIZE: u64 = 2 << 30;

/// The peak resident set size of this process (`VmHWM`), in bytes, where `/proc` tells.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gib_of_media_move_in_constant_memory() {
    let server = Server::start(|_, seen| match seen.method.as_str() {
        "GET" => Reply::Generate {
            head: head(200, &[("Content-Type", "video/mp4"), ("Content-Length", &SIZE.to_string())]),
            total: SIZE,
            chunk: 64 * 1024,
            gap: Duration::ZERO,
        },
        _ => Reply::full(204, &[], b""),
    })
    .await;
    let transport = ReqwestTransport::builder().timeout(Some(Duration::from_secs(5))).build().unwrap();
    let client = Client::builder(&server.url()).transport(transport).build().unwrap();
    let media = Media::new(&client, "Recordings(1)/content".into());

    // The 5 s limit for a whole request does not apply to a download.
    let mut download = media.download().await.unwrap();
    assert_eq!(download.content_length(), Some(SIZE));
    assert_eq!(download.content_type(), Some("video/mp4"));
    let mut received = 0u64;
    while let Some(chunk) = download.next_chunk().await {
        received += chunk.unwrap().len() as u64;
    }
    assert_eq!(received, SIZE);

    let block = bytes::Bytes::from(vec![1u8; 256 * 1024]);
    let chunks = futures_util::stream::iter((0..SIZE / block.len() as u64).map(move |_| Ok(block.clone())));
    media.put_stream("video/mp4", Body::from_stream(chunks, Some(SIZE))).send().await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].body_len, SIZE);

    if let Some(peak) = peak_rss() {
        println!(
            "2 GiB down and 2 GiB up: peak resident size of the process {:.1} MiB",
            peak as f64 / (1 << 20) as f64
        );
        assert!(peak < 64 << 20, "peak resident size {peak} bytes");
    } else {
        println!("no /proc/self/status here: the peak is not measured");
    }
}
