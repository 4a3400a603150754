//! Questions asked of the model: what is under a point, which features match a search, and how
//! the districts compare.

pub mod pick;
pub mod search;
pub mod stats;
