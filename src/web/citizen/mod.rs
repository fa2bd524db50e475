//! The citizen's pages, opened from links in emails: tracking and the survey form.

pub mod surveys;
pub mod track;
