//! The table of stable API error codes: each code knows its wire name and its
//! HTTP status. Adding an error is adding a row; a code is never written as a
//! string anywhere else, so a typo does not compile.

use serde::{Serialize, Serializer};

macro_rules! codes {
    ($($variant:ident = ($wire:literal, $status:literal): $doc:literal,)*) => {
        /// A stable error code of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $doc] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(Self::$variant,)*];

            /// The code as clients see it (`VALIDATION_ERROR`).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire,)* }
            }

            /// The HTTP status it is answered with.
            pub fn status(self) -> u16 {
                match self { $(Self::$variant => $status,)* }
            }
        }
    };
}

codes! {
    ValidationError = ("VALIDATION_ERROR", 400): "The request is malformed or breaks a rule of the catalog.",
    InvalidObject = ("INVALID_OBJECT", 400): "The object is not in the organization's catalog.",
    Unauthenticated = ("UNAUTHENTICATED", 401): "No valid bearer token.",
    PermissionDenied = ("PERMISSION_DENIED", 403): "The token's scopes or the caller's role do not allow this.",
    RecordNotFound = ("RECORD_NOT_FOUND", 404): "A record named by id does not exist in the organization.",
    AmbiguousMatch = ("AMBIGUOUS_MATCH", 409): "Per record of an upsert: its match value matches several records.",
    Duplicate = ("DUPLICATE", 409): "Per record of an import whose on_duplicate is error: it duplicates a record.",
    NotFound = ("NOT_FOUND", 404): "No such route.",
    MethodNotAllowed = ("METHOD_NOT_ALLOWED", 405): "The route does not answer this method.",
    Conflict = ("CONFLICT", 409): "A name is already taken (operator commands).",
    PayloadTooLarge = ("PAYLOAD_TOO_LARGE", 413): "The body is larger than the configured limit.",
    UnsupportedMediaType = ("UNSUPPORTED_MEDIA_TYPE", 415): "The body is not application/json.",
    RateLimited = ("RATE_LIMITED", 429): "The token's rate limit for this family of routes is spent.",
    InternalError = ("INTERNAL_ERROR", 500): "A bug; details are in the server log only.",
    Unavailable = ("UNAVAILABLE", 503): "The database cannot be reached or the service is saturated.",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_status_and_a_distinct_name() {
        let expected = [
            ("VALIDATION_ERROR", 400),
            ("INVALID_OBJECT", 400),
            ("UNAUTHENTICATED", 401),
            ("PERMISSION_DENIED", 403),
            ("RECORD_NOT_FOUND", 404),
            ("AMBIGUOUS_MATCH", 409),
            ("DUPLICATE", 409),
            ("NOT_FOUND", 404),
            ("METHOD_NOT_ALLOWED", 405),
            ("CONFLICT", 409),
            ("PAYLOAD_TOO_LARGE", 413),
            ("UNSUPPORTED_MEDIA_TYPE", 415),
            ("RATE_LIMITED", 429),
            ("INTERNAL_ERROR", 500),
            ("UNAVAILABLE", 503),
        ];
        let table: Vec<_> = ErrorCode::ALL
            .iter()
            .map(|c| (c.as_str(), c.status()))
            .collect();
        assert_eq!(table, expected);
        assert_eq!(
            serde_json::to_string(&ErrorCode::RecordNotFound).unwrap(),
            "\"RECORD_NOT_FOUND\""
        );
    }
}
