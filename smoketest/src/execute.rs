//! execute (stub).
