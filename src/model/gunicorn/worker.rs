//! Gunicorn worker classes and how each treats keep-alive (facts §A3).

/// A worker class, from its alias (`gthread`), its class path
/// (`gunicorn.workers.gthread.ThreadWorker`) or its old entry point
/// (`egg:gunicorn#gthread`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Worker {
    /// Closes the connection after every response
    /// (gunicorn/workers/sync.py L176-179 `resp.force_close()`).
    Sync,
    Gthread,
    Gevent,
    /// `gevent_wsgi` / `gevent_pywsgi`: gevent's own WSGI server handles
    /// keep-alive.
    GeventPywsgi,
    Eventlet,
    /// Keep-alive on/off only (gtornado.py L121); the idle timeout is
    /// Tornado's.
    Tornado,
    /// The native ASGI worker (`-k asgi`, beta since 24.0.0).
    Asgi,
    /// `uvicorn.workers.UvicornWorker` (and the `uvicorn-worker` package):
    /// passes `timeout_keep_alive=cfg.keepalive`.
    Uvicorn,
    /// Any other class: keep-alive handling unknown.
    Other(String),
}

impl Worker {
    pub fn from_class(class: &str) -> Worker {
        let class = class.trim();
        let alias = class.strip_prefix("egg:gunicorn#").unwrap_or(class);
        match alias {
            "sync" | "gunicorn.workers.sync.SyncWorker" => Worker::Sync,
            "gthread" | "gunicorn.workers.gthread.ThreadWorker" => Worker::Gthread,
            "gevent" | "gunicorn.workers.ggevent.GeventWorker" => Worker::Gevent,
            "gevent_wsgi" | "gevent_pywsgi" | "gunicorn.workers.ggevent.GeventPyWSGIWorker" => Worker::GeventPywsgi,
            "eventlet" | "gunicorn.workers.geventlet.EventletWorker" => Worker::Eventlet,
            "tornado" | "gunicorn.workers.gtornado.TornadoWorker" => Worker::Tornado,
            "asgi" | "gunicorn.workers.gasgi.ASGIWorker" => Worker::Asgi,
            "uvicorn.workers.UvicornWorker"
            | "uvicorn.workers.UvicornH11Worker"
            | "uvicorn_worker.UvicornWorker"
            | "uvicorn_worker.UvicornH11Worker" => Worker::Uvicorn,
            other => Worker::Other(other.to_owned()),
        }
    }

    /// How hops show the class: gunicorn's alias for its own workers, the
    /// class path otherwise.
    pub fn display(&self) -> String {
        match self {
            Worker::Sync => "sync".to_owned(),
            Worker::Gthread => "gthread".to_owned(),
            Worker::Gevent => "gevent".to_owned(),
            Worker::GeventPywsgi => "gevent_pywsgi".to_owned(),
            Worker::Eventlet => "eventlet".to_owned(),
            Worker::Tornado => "tornado".to_owned(),
            Worker::Asgi => "asgi".to_owned(),
            Worker::Uvicorn => "uvicorn.workers.UvicornWorker".to_owned(),
            Worker::Other(path) => path.clone(),
        }
    }

    /// Whether `keepalive` is this worker's idle timeout (gthread, gevent
    /// and eventlet through `base_async`, asgi, `UvicornWorker`).
    pub fn uses_keepalive_as_idle_timeout(&self) -> bool {
        matches!(self, Worker::Gthread | Worker::Gevent | Worker::Eventlet | Worker::Asgi | Worker::Uvicorn)
    }
}

/// gunicorn/config.py `worker_class_str`: a `sync` class (alias or a path
/// ending in `SyncWorker`; the `egg:` form does not count) with more than
/// one thread runs as `gthread`.
pub fn switches_to_gthread(class: &str, threads: u64) -> bool {
    (class == "sync" || class.ends_with("SyncWorker")) && threads > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_aliases() {
        assert_eq!(Worker::from_class("egg:gunicorn#sync"), Worker::Sync);
        assert_eq!(Worker::from_class("gunicorn.workers.gthread.ThreadWorker"), Worker::Gthread);
        assert_eq!(Worker::from_class("uvicorn_worker.UvicornWorker"), Worker::Uvicorn);
        assert_eq!(Worker::from_class("myapp.Worker"), Worker::Other("myapp.Worker".into()));
        assert!(switches_to_gthread("sync", 4));
        assert!(switches_to_gthread("gunicorn.workers.sync.SyncWorker", 2));
        assert!(!switches_to_gthread("egg:gunicorn#sync", 4));
        assert!(!switches_to_gthread("sync", 1));
    }
}
