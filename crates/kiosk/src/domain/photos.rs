//! Member photos on disk: what an image is (by its first bytes, never by what the host says),
//! how a cached file is named (member, version, kind), and which files go when the cache
//! outgrows its bound (those shown least lately). Pure: the service does the files and the
//! fetching (`services/photos.rs`).

use std::time::SystemTime;

/// The most the kept photos take on disk by default; the photos shown least lately go first.
pub const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// The images a tile shows. Anything else a photo host answers (a login page, an error in
/// HTML) is no photo: it never reaches a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl ImageKind {
    /// The kind of image `bytes` hold, by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(Self::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Self::Png),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(Self::Gif),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Some(Self::Webp),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    const ALL: [Self; 4] = [Self::Jpeg, Self::Png, Self::Gif, Self::Webp];
}

/// A member's photo as cached: an image, or the host's word that there is none (kept, so a
/// member without a photo costs no request until their record changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheName {
    pub member: i64,
    /// The member record's version (its `UpdatedOn`, in Unix seconds; 0 when it has none): a
    /// photo is fetched again only when the record changed.
    pub version: i64,
    /// `None`: the host had no photo for this version.
    pub kind: Option<ImageKind>,
}

impl CacheName {
    /// `123-1700000000.jpg`, or `123-1700000000.none`.
    pub fn file_name(&self) -> String {
        let ext = self.kind.map_or("none", ImageKind::ext);
        format!("{}-{}.{ext}", self.member, self.version)
    }

    /// A cache file's name read back; `None` for any other file.
    pub fn parse(name: &str) -> Option<Self> {
        let (stem, ext) = name.rsplit_once('.')?;
        let (member, version) = stem.split_once('-')?;
        let kind = match ext {
            "none" => None,
            other => Some(ImageKind::ALL.into_iter().find(|k| k.ext() == other)?),
        };
        Some(Self {
            member: member.parse().ok()?,
            version: version.parse().ok()?,
            kind,
        })
    }

    /// Every name this member's photo of `version` may have.
    pub fn candidates(member: i64, version: i64) -> impl Iterator<Item = Self> {
        ImageKind::ALL
            .into_iter()
            .map(Some)
            .chain([None])
            .map(move |kind| Self {
                member,
                version,
                kind,
            })
    }
}

/// A file in the cache, as the eviction sees it.
#[derive(Debug, Clone)]
pub struct CachedFile {
    pub name: String,
    pub bytes: u64,
    /// When it was last shown (its modification time, touched on each use).
    pub used: SystemTime,
}

/// The files to delete so the cache holds at most `bound` bytes: those shown least lately.
pub fn evict(files: &[CachedFile], bound: u64) -> Vec<&CachedFile> {
    let mut total: u64 = files.iter().map(|f| f.bytes).sum();
    let mut by_use: Vec<&CachedFile> = files.iter().collect();
    by_use.sort_by_key(|f| f.used);
    by_use
        .into_iter()
        .take_while(|f| {
            let over = total > bound;
            total = total.saturating_sub(f.bytes);
            over
        })
        .collect()
}

/// The photo's address: the staff's template with the member's Id in place of `{id}`.
pub fn address(template: &str, member: i64) -> String {
    template.replace("{id}", &member.to_string())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn an_image_is_known_by_its_first_bytes_and_a_page_is_no_image() {
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"GIF89a"), Some(ImageKind::Gif));
        assert_eq!(ImageKind::sniff(b"<!doctype html><script>"), None);
        assert_eq!(ImageKind::sniff(b""), None);
    }

    #[test]
    fn a_cache_file_name_reads_back_and_other_files_are_not_photos() {
        for name in CacheName::candidates(42, 1_700_000_000) {
            assert_eq!(CacheName::parse(&name.file_name()), Some(name));
        }
        assert_eq!(CacheName::parse("42-1.tmp"), None);
        assert_eq!(CacheName::parse("kiosk.db"), None);
        assert_eq!(CacheName::parse("x-1.jpg"), None);
    }

    #[test]
    fn the_cache_sheds_the_photos_shown_least_lately_until_it_is_within_its_bound() {
        let at = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let file = |name: &str, bytes, used| CachedFile {
            name: name.into(),
            bytes,
            used: at(used),
        };
        let files = [
            file("new", 40, 30),
            file("old", 40, 10),
            file("middle", 40, 20),
        ];
        let gone: Vec<&str> = evict(&files, 80).iter().map(|f| f.name.as_str()).collect();
        assert_eq!(gone, ["old"], "120 bytes in a bound of 80: the oldest goes");
        let gone: Vec<&str> = evict(&files, 39).iter().map(|f| f.name.as_str()).collect();
        assert_eq!(gone, ["old", "middle", "new"]);
        assert!(
            evict(&files, 120).is_empty(),
            "within the bound, nothing goes"
        );
    }
}
