//! The accept loop. Each connection can be killed from inside a handler, which is how the
//! simulator drops an answer after committing a write, or resets a connection: what a real
//! network does to a kiosk.

use std::time::Duration;

use std::sync::atomic::Ordering;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tracing::debug;

use crate::App;
use crate::http::{ConnKill, Request, Response, StatusCode, text};

/// Serves `app` on `listener` until `stop` is cancelled; then every open connection is closed.
pub(crate) async fn serve(listener: TcpListener, app: App, stop: CancellationToken) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = stop.cancelled() => return,
        };
        tokio::spawn(connection(stream, app.clone(), stop.clone()));
    }
}

/// The largest request body read (the kiosk sends a few hundred bytes).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Reads the request whole and lets the app answer it.
async fn answer(app: App, request: hyper::Request<Incoming>, kill: ConnKill) -> Response {
    let (mut parts, body) = request.into_parts();
    crate::http::stamp_arrival(&mut parts.headers);
    let body = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large.",
            );
        }
    };
    let request = Request {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers,
        body,
        kill: Some(kill),
    };
    app.handle(request).await
}

async fn connection(stream: TcpStream, app: App, stop: CancellationToken) {
    let _ = stream.set_nodelay(true);
    // A second handle on the socket, to set SO_LINGER 0 (an RST on close) if asked to reset.
    let Ok(twin) = stream.into_std().and_then(|s| Ok((s.try_clone()?, s))) else {
        return;
    };
    let (twin, std_stream) = twin;
    let Ok(stream) = TcpStream::from_std(std_stream) else {
        return;
    };
    let kill = ConnKill::default();
    let service = {
        let kill = kill.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let (app, kill) = (app.clone(), kill.clone());
            async move { Ok::<_, std::convert::Infallible>(answer(app, request, kill).await) }
        })
    };
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        () = kill.notify.notified() => {
            if kill.reset.load(Ordering::SeqCst) {
                let _ = socket2::SockRef::from(&twin).set_linger(Some(Duration::ZERO));
            }
        }
        () = stop.cancelled() => {}
    }
    drop(twin);
}
