//! Choosing a content coding from the request's `Accept-Encoding` header.
//!
//! RFC 9110, section 12.5.3: each listed coding may carry a weight `q` from 0 to 1
//! (default 1); `q=0` refuses it; `*` stands for every coding not listed. Among the
//! codings we have (brotli, gzip), the one with the highest weight wins, brotli on a
//! tie because it is smaller. A request without the header gets the identity, which
//! every client understands. An entry whose weight cannot be read is ignored.

use actix_web::http::header::{self, HeaderMap};

use crate::precompressed::Encoding;

/// The encoding to send for this request.
pub fn preferred(headers: &HeaderMap) -> Encoding {
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else {
            continue;
        };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let Some(weight) = weight(parts) else {
                continue;
            };
            if coding.eq_ignore_ascii_case("br") {
                brotli = Some(weight);
            } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(weight);
            } else if coding == "*" {
                any = Some(weight);
            }
        }
    }
    let brotli = brotli.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if brotli > 0.0 && brotli >= gzip {
        Encoding::Brotli
    } else if gzip > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// The weight from an entry's parameters: 1 without `q`, `None` if unreadable.
fn weight<'a>(parameters: impl Iterator<Item = &'a str>) -> Option<f32> {
    for parameter in parameters {
        let parameter = parameter.trim();
        if let Some(value) = parameter
            .strip_prefix("q=")
            .or_else(|| parameter.strip_prefix("Q="))
        {
            let q: f32 = value.trim().parse().ok()?;
            return (0.0..=1.0).contains(&q).then_some(q);
        }
    }
    Some(1.0)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderMap, HeaderValue};

    use super::*;

    fn pick(values: &[&str]) -> Encoding {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        }
        preferred(&headers)
    }

    #[test]
    fn weights_decide_and_brotli_wins_ties() {
        use Encoding::*;
        let cases: &[(&[&str], Encoding)] = &[
            (&[], Identity),
            (&["identity"], Identity),
            (&["gzip, deflate, br, zstd"], Brotli),
            (&["gzip, deflate"], Gzip),
            (&["GZIP"], Gzip),
            (&["x-gzip"], Gzip),
            (&["br;q=0.5, gzip"], Gzip),
            (&["br;q=1.0, gzip;q=0.8"], Brotli),
            (&["br;q=0, gzip;q=0"], Identity),
            (&["*"], Brotli),
            (&["*;q=0.3, br;q=0"], Gzip),
            (&["gzip;q=0, *"], Brotli),
            (&["br;q=abc, gzip"], Gzip),
            (&["br;q=2"], Identity),
            (&["gzip", "br"], Brotli),
            (&[" br ; q=0.9 , gzip ; q=0.1"], Brotli),
        ];
        for (values, expected) in cases {
            assert_eq!(pick(values), *expected, "{values:?}");
        }
    }
}
