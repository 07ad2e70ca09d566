//! blocking (stub).
