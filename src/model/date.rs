//! Dates as the data writes them (ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD`), parsed once
//! into [`Date`], and the calendar months of the timeline ([`Month`]).

use std::fmt;

/// A date to the precision its source gives: a year, a month or a day.
///
/// Dates order as their ISO text does: a year comes before its first month, and a month
/// before its first day, so a feature dated "2021-05" shows from the start of May 2021.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    /// 1–12, or 0 when only the year is known.
    month: u8,
    /// 1–31, or 0 when only the year or month is known.
    day: u8,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None` unless it is a real calendar date.
    pub fn parse(text: &str) -> Option<Date> {
        let number = |s: &str, len: usize| -> Option<u32> {
            (s.len() == len && s.bytes().all(|c| c.is_ascii_digit())).then(|| s.parse().ok())?
        };
        let mut parts = text.split('-');
        let year = number(parts.next()?, 4)? as i32;
        let month = match parts.next() {
            None => return Some(Date::year(year)),
            Some(m) => number(m, 2).filter(|m| (1..=12).contains(m))? as u8,
        };
        let day = match parts.next() {
            None => 0,
            Some(d) => number(d, 2).filter(|&d| d >= 1 && d <= days_in_month(year, month))? as u8,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// A date known only to its year.
    pub fn year(year: i32) -> Date {
        Date {
            year,
            month: 0,
            day: 0,
        }
    }

    /// A whole calendar day; `None` if there is no such day.
    pub fn ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month as u8))
            .then_some(Date {
                year,
                month: month as u8,
                day: day as u8,
            })
    }

    pub fn year_number(self) -> i32 {
        self.year
    }

    /// The month, when the date names one.
    pub fn month(self) -> Option<Month> {
        (self.month > 0).then_some(Month {
            year: self.year,
            month: self.month,
        })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400) as i64;
        Date::from_unix_days(days)
    }

    /// The day `days` days after 1970-01-01 (Howard Hinnant's days-to-civil algorithm).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if self.month > 0 {
            write!(f, "-{:02}", self.month)?;
        }
        if self.day > 0 {
            write!(f, "-{:02}", self.day)?;
        }
        Ok(())
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
            ))
        })
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date.
pub fn is_iso_date(text: &str) -> bool {
    Date::parse(text).is_some()
}

fn days_in_month(year: i32, month: u8) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A calendar month: a step of the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    /// 1–12.
    month: u8,
}

impl Month {
    /// The first month the timeline offers: the liberation began in November 2020.
    pub const FIRST: Month = Month {
        year: 2020,
        month: 11,
    };

    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month {
            year,
            month: month as u8,
        })
    }

    /// The month `index` months after [`Month::FIRST`].
    pub fn at(index: u32) -> Month {
        let months = Month::FIRST.serial() + i64::from(index);
        Month {
            year: months.div_euclid(12) as i32,
            month: (months.rem_euclid(12) + 1) as u8,
        }
    }

    /// How many months from [`Month::FIRST`] to this one (0 for any month before it).
    pub fn index(self) -> u32 {
        (self.serial() - Month::FIRST.serial()).max(0) as u32
    }

    fn serial(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The month a date falls in: its own, or January of a bare year.
    pub fn of(date: Date) -> Month {
        date.month().unwrap_or(Month {
            year: date.year,
            month: 1,
        })
    }

    /// The month of today's date.
    pub fn current() -> Month {
        Month::of(Date::today())
    }

    /// The last day of the month.
    pub fn end(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: days_in_month(self.year, self.month) as u8,
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u32 {
        u32::from(self.month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_to_their_precision_and_print_back() {
        for text in ["2021", "2021-05", "2024-02-29", "2020-11-08"] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "",
            "21",
            "2021-5",
            "2021-13",
            "2023-02-29",
            "2021-04-31",
            "2021-01-01-01",
            "2021/01",
            "２０２１",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_order_as_their_iso_text_does() {
        let texts = [
            "2020",
            "2020-11",
            "2020-11-08",
            "2020-11-30",
            "2020-12",
            "2021",
            "2021-01-01",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(
                    Date::parse(a).cmp(&Date::parse(b)),
                    a.cmp(b),
                    "{a} against {b}"
                );
            }
        }
    }

    #[test]
    fn months_count_from_november_2020() {
        assert_eq!(Month::at(0), Month::FIRST);
        assert_eq!(Month::at(2), Month::new(2021, 1).unwrap());
        assert_eq!(Month::new(2024, 5).unwrap().index(), 42);
        assert_eq!(
            Month::at(Month::new(2025, 12).unwrap().index()).to_string(),
            "2025-12"
        );
        assert_eq!(Month::new(2024, 2).unwrap().end().to_string(), "2024-02-29");
        assert_eq!(Month::new(2023, 2).unwrap().end().to_string(), "2023-02-28");
        assert_eq!(Month::new(2019, 1).unwrap().index(), 0);
        assert_eq!(
            Month::of(Date::parse("2022").unwrap()).to_string(),
            "2022-01"
        );
    }

    #[test]
    fn days_since_the_epoch_become_the_right_date() {
        for (days, date) in [
            (0, "1970-01-01"),
            (20_781, "2026-11-24"),
            (19_782, "2024-02-29"),
            (19_783, "2024-03-01"),
        ] {
            assert_eq!(Date::from_unix_days(days).to_string(), date);
        }
    }

    #[test]
    fn today_is_a_real_date() {
        let today = Date::today();
        assert!(Date::parse(&today.to_string()).is_some());
        assert!(today.year_number() >= 2024);
    }
}
