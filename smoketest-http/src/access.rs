//! Access control: who sees what. Bearer tokens and a predicate decide who is authorized; a
//! [`Detail`] policy decides what everybody else sees.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use http::header::AUTHORIZATION;
use http::{HeaderMap, Method};
use subtle::ConstantTimeEq as _;

use crate::detail::Detail;

/// The address of the client a request came from, as a request extension: what the framework
/// glue hands to the [`authorize`](crate::SmokeEndpoint::authorize) predicate as
/// [`Caller::peer`].
///
/// The glue finds the address itself where the framework has it (axum with
/// `into_make_service_with_connect_info::<SocketAddr>()`, actix-web, a warp server). Servers
/// calling [`SmokeEndpoint::handle`](crate::SmokeEndpoint::handle) insert it into the request's
/// extensions; an axum app behind a middleware that knows the real client (a proxy's
/// `X-Forwarded-For`, checked against the proxy's address) may insert it too, and then it wins
/// over axum's `ConnectInfo`.
///
/// ```
/// use std::net::SocketAddr;
///
/// use smoketest_http::PeerAddr;
///
/// let mut request = http::Request::get("/").body(()).unwrap();
/// let peer: SocketAddr = "10.0.0.7:51234".parse().unwrap();
/// request.extensions_mut().insert(PeerAddr(peer));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerAddr(pub SocketAddr);

/// What an [`authorize`](crate::SmokeEndpoint::authorize) predicate knows of a request.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Caller<'a> {
    /// The request method.
    pub method: &'a Method,
    /// The path below the mount point (`/`, `/slow/`).
    pub path: &'a str,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The client's address, when the framework glue or the server provides it (see
    /// [`PeerAddr`]); `None` otherwise — a predicate allowing addresses must then deny.
    pub peer: Option<SocketAddr>,
}

/// A predicate on callers, shared by every clone of the endpoint.
type Predicate = Arc<dyn Fn(&Caller<'_>) -> bool + Send + Sync>;

/// The access configuration of an endpoint. Off (no token, no predicate, no policy) it lets
/// every request see everything, as an endpoint without access control always has.
#[derive(Clone, Default)]
pub(crate) struct Access {
    tokens: Vec<Box<[u8]>>,
    predicate: Option<Predicate>,
    anonymous: Option<Detail>,
}

impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The tokens are secrets: only how many there are.
        f.debug_struct("Access")
            .field("tokens", &self.tokens.len())
            .field("predicate", &self.predicate.is_some())
            .field("anonymous", &self.anonymous())
            .finish()
    }
}

/// What a request may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Everything (redacted).
    Full,
    /// The status and the counts.
    Summary,
    /// Nothing: answered 401 or 403.
    Denied(Denial),
}

/// Why a request is denied, which decides the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Denial {
    /// No bearer token sent, and one would let the caller in: 401.
    MissingToken,
    /// A bearer token sent, but not a configured one: 401 with `error="invalid_token"`.
    InvalidToken,
    /// No credential could help (only a predicate is configured, or no access at all): 403.
    Forbidden,
}

impl Access {
    pub(crate) fn add_token(&mut self, token: String) {
        self.tokens.push(token.into_bytes().into_boxed_slice());
    }

    pub(crate) fn set_predicate(&mut self, predicate: Predicate) {
        self.predicate = Some(predicate);
    }

    pub(crate) fn set_anonymous(&mut self, detail: Detail) {
        self.anonymous = Some(detail);
    }

    /// Whether any caller can be authorized: a token or a predicate is configured.
    fn is_on(&self) -> bool {
        !self.tokens.is_empty() || self.predicate.is_some()
    }

    /// What unauthorized callers see: the configured policy, else nothing when access control
    /// is on and everything when it is off (an endpoint without access control is public).
    pub(crate) fn anonymous(&self) -> Detail {
        self.anonymous.unwrap_or(if self.is_on() {
            Detail::None
        } else {
            Detail::Full
        })
    }

    /// Whether a `Vary: authorization` is due: when the answer depends on who asks.
    pub(crate) fn varies(&self) -> bool {
        self.anonymous() != Detail::Full
    }

    /// Decides what `caller` may see: everything with a configured token or the predicate's
    /// consent; a wrong token is refused whatever the policy (a monitor with a stale token should
    /// learn it at once, not get less detail unnoticed); anybody else gets the anonymous policy.
    pub(crate) fn grant(&self, caller: &Caller<'_>) -> Grant {
        let presented = bearer_token(caller.headers);
        if let Some(presented) = presented {
            if self.accepts(presented) {
                return Grant::Full;
            }
        }
        if self.predicate.as_ref().is_some_and(|allow| allow(caller)) {
            return Grant::Full;
        }
        if presented.is_some() && !self.tokens.is_empty() {
            return Grant::Denied(Denial::InvalidToken);
        }
        match self.anonymous() {
            Detail::Full => Grant::Full,
            Detail::Summary => Grant::Summary,
            Detail::None if self.tokens.is_empty() => Grant::Denied(Denial::Forbidden),
            Detail::None => Grant::Denied(Denial::MissingToken),
        }
    }

    /// Whether `presented` is one of the tokens, comparing it with every one of them in
    /// constant time, so neither the time taken nor which token matched tells a guesser
    /// anything (beyond, as with any comparison, whether the lengths differ).
    fn accepts(&self, presented: &[u8]) -> bool {
        let mut matched = false;
        for token in &self.tokens {
            // `|`, not `||`: every token is compared, whichever matches.
            matched |= constant_time_eq(token, presented);
        }
        matched
    }
}

/// `a == b` in time that depends on their lengths only, never on where they differ. An empty
/// token never matches, so a token configured from an unset variable locks the door instead of
/// opening it.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    !a.is_empty() && bool::from(a.ct_eq(b))
}

/// The token of an `Authorization: Bearer <token>` header (scheme in any case, RFC 9110
/// §11.1), if the request has exactly one `Authorization` header of that form.
fn bearer_token(headers: &HeaderMap) -> Option<&[u8]> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let value = value.as_bytes();
    let scheme_end = value.iter().position(|&byte| byte == b' ')?;
    let (scheme, rest) = value.split_at(scheme_end);
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return None;
    }
    let token = rest.trim_ascii();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"s3cret-token", b"s3cret-token"));
        assert!(!constant_time_eq(b"s3cret-token", b"s3cret-tokeN"));
        assert!(!constant_time_eq(b"s3cret-token", b"x3cret-token"));
        assert!(!constant_time_eq(b"s3cret-token", b"s3cret-token-longer"));
        assert!(!constant_time_eq(b"s3cret-token", b"s3cret"));
        assert!(!constant_time_eq(b"s3cret-token", b""));
        assert!(!constant_time_eq(b"", b""));
    }

    fn headers(authorization: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in authorization {
            headers.append(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn the_bearer_token_is_read_from_one_authorization_header() {
        let token = |values: &[&str]| {
            bearer_token(&headers(values)).map(|token| String::from_utf8(token.to_vec()).unwrap())
        };
        assert_eq!(token(&["Bearer abc"]).as_deref(), Some("abc"));
        assert_eq!(token(&["bearer  abc "]).as_deref(), Some("abc"));
        assert_eq!(token(&["BEARER abc"]).as_deref(), Some("abc"));
        assert_eq!(token(&["Basic abc"]), None);
        assert_eq!(token(&["Bearer "]), None);
        assert_eq!(token(&["Bearer"]), None);
        assert_eq!(token(&[]), None);
        assert_eq!(token(&["Bearer abc", "Bearer def"]), None);
    }

    fn grant(access: &Access, authorization: &[&str], peer: Option<&str>) -> Grant {
        let headers = headers(authorization);
        access.grant(&Caller {
            method: &Method::GET,
            path: "/",
            headers: &headers,
            peer: peer.map(|peer| peer.parse().unwrap()),
        })
    }

    #[test]
    fn off_everybody_sees_everything() {
        let access = Access::default();
        assert_eq!(grant(&access, &[], None), Grant::Full);
        assert_eq!(grant(&access, &["Bearer whatever"], None), Grant::Full);
    }

    #[test]
    fn any_configured_token_authorizes_and_others_are_refused() {
        let mut access = Access::default();
        access.add_token("old-token".into());
        access.add_token("new-token".into());
        assert_eq!(grant(&access, &["Bearer old-token"], None), Grant::Full);
        assert_eq!(grant(&access, &["Bearer new-token"], None), Grant::Full);
        assert_eq!(
            grant(&access, &["Bearer other"], None),
            Grant::Denied(Denial::InvalidToken)
        );
        assert_eq!(
            grant(&access, &[], None),
            Grant::Denied(Denial::MissingToken)
        );
        assert_eq!(
            grant(&access, &["Basic b2xkLXRva2Vu"], None),
            Grant::Denied(Denial::MissingToken)
        );
        access.set_anonymous(Detail::Summary);
        assert_eq!(grant(&access, &[], None), Grant::Summary);
        // A wrong token is an error, whatever anonymous callers may see.
        assert_eq!(
            grant(&access, &["Bearer other"], None),
            Grant::Denied(Denial::InvalidToken)
        );
    }

    #[test]
    fn an_empty_token_turns_access_control_on_and_matches_nothing() {
        let mut access = Access::default();
        access.add_token(String::new());
        assert_eq!(
            grant(&access, &[], None),
            Grant::Denied(Denial::MissingToken)
        );
        assert_eq!(
            grant(&access, &["Bearer "], None),
            Grant::Denied(Denial::MissingToken)
        );
    }

    #[test]
    fn the_predicate_authorizes_too() {
        let mut access = Access::default();
        access.set_predicate(Arc::new(|caller: &Caller<'_>| {
            caller.peer.is_some_and(|peer| peer.ip().is_loopback())
        }));
        assert_eq!(grant(&access, &[], Some("127.0.0.1:4000")), Grant::Full);
        assert_eq!(
            grant(&access, &[], Some("192.0.2.1:4000")),
            Grant::Denied(Denial::Forbidden)
        );
        assert_eq!(grant(&access, &[], None), Grant::Denied(Denial::Forbidden));
        // No token is configured: a token can't help, and isn't "wrong" either.
        assert_eq!(
            grant(&access, &["Bearer x"], None),
            Grant::Denied(Denial::Forbidden)
        );
        access.add_token("t".into());
        assert_eq!(
            grant(&access, &["Bearer t"], Some("192.0.2.1:1")),
            Grant::Full
        );
        assert_eq!(
            grant(&access, &["Bearer x"], Some("127.0.0.1:1")),
            Grant::Full
        );
    }

    #[test]
    fn a_policy_without_access_control_applies_to_everybody() {
        let mut access = Access::default();
        access.set_anonymous(Detail::Summary);
        assert_eq!(grant(&access, &["Bearer x"], None), Grant::Summary);
        access.set_anonymous(Detail::None);
        assert_eq!(grant(&access, &[], None), Grant::Denied(Denial::Forbidden));
    }
}
