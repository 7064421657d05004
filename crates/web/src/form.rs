//! Reading URL-encoded form bodies where a name may repeat (several
//! languages, several authors), which typed extractors do not allow.

/// Every name–value pair of a form body, in order.
pub(crate) fn fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of `name`, or "" when there is none.
pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}
