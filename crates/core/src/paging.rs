/// A 1-based page number taken from a URL, e.g. `?page=3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(u32);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PageError {
    #[error("the page number is not a whole number")]
    NotANumber,
    #[error("page numbers start at 1")]
    TooSmall,
    #[error("the page number is too large")]
    TooLarge,
}

impl PageNumber {
    /// Larger page numbers are refused outright rather than overflowing an
    /// offset computation somewhere further down.
    pub const MAX: u32 = 1_000_000;

    pub const FIRST: PageNumber = PageNumber(1);

    /// Parses the `page` parameter; a missing parameter means page 1.
    pub fn parse(raw: Option<&str>) -> Result<PageNumber, PageError> {
        let Some(raw) = raw else {
            return Ok(PageNumber::FIRST);
        };
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix('-') {
            return if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
                Err(PageError::TooSmall)
            } else {
                Err(PageError::NotANumber)
            };
        }
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PageError::NotANumber);
        }
        match raw.parse::<u64>() {
            Ok(0) => Err(PageError::TooSmall),
            Ok(n) if n <= u64::from(Self::MAX) => Ok(PageNumber(n as u32)),
            _ => Err(PageError::TooLarge),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// Where one page sits in a list of `total` items shown `per_page` at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub pages: u32,
}

impl Paging {
    pub fn new(page: PageNumber, per_page: u32, total: u64) -> Paging {
        let per = u64::from(per_page.max(1));
        let pages = total.div_ceil(per).max(1);
        Paging {
            page: page.get(),
            per_page: per_page.max(1),
            total,
            pages: u32::try_from(pages).unwrap_or(u32::MAX),
        }
    }

    /// Whether the requested page lies past the end of the list (page 1 of
    /// an empty list exists: it says the list is empty).
    pub fn is_past_end(&self) -> bool {
        self.page > self.pages
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    /// This page's items of the whole list.
    pub fn slice<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let from = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let rest = all.get(from..).unwrap_or_default();
        &rest[..rest.len().min(self.per_page as usize)]
    }

    pub fn prev(&self) -> Option<u32> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<u32> {
        (self.page < self.pages).then(|| self.page + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_page_means_first() {
        assert_eq!(PageNumber::parse(None), Ok(PageNumber::FIRST));
    }

    #[test]
    fn bad_page_numbers_are_named() {
        assert_eq!(PageNumber::parse(Some("-1")), Err(PageError::TooSmall));
        assert_eq!(PageNumber::parse(Some("0")), Err(PageError::TooSmall));
        assert_eq!(PageNumber::parse(Some("abc")), Err(PageError::NotANumber));
        assert_eq!(PageNumber::parse(Some("")), Err(PageError::NotANumber));
        assert_eq!(PageNumber::parse(Some("1.5")), Err(PageError::NotANumber));
        assert_eq!(PageNumber::parse(Some("--1")), Err(PageError::NotANumber));
        assert_eq!(
            PageNumber::parse(Some("99999999999")),
            Err(PageError::TooLarge)
        );
        assert_eq!(
            PageNumber::parse(Some(&"9".repeat(500))),
            Err(PageError::TooLarge)
        );
        assert_eq!(PageNumber::parse(Some("7")).map(PageNumber::get), Ok(7));
    }

    #[test]
    fn paging_arithmetic() {
        let p = Paging::new(PageNumber::parse(Some("2")).unwrap(), 10, 25);
        assert_eq!(
            (p.pages, p.offset(), p.prev(), p.next()),
            (3, 10, Some(1), Some(3))
        );
        let items: Vec<u32> = (0..25).collect();
        assert_eq!(p.slice(&items), &items[10..20]);
        let last = Paging::new(PageNumber::parse(Some("3")).unwrap(), 10, 25);
        assert_eq!(last.slice(&items), &items[20..]);
        let past = Paging::new(PageNumber::parse(Some("9")).unwrap(), 10, 25);
        assert!(past.slice(&items).is_empty());
        let empty = Paging::new(PageNumber::FIRST, 10, 0);
        assert!(!empty.is_past_end());
        assert!(Paging::new(PageNumber::parse(Some("4")).unwrap(), 10, 25).is_past_end());
    }
}
