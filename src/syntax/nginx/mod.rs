//! nginx configuration: tokenizer, lossless tree, include paths.

pub mod include;
mod lexer;
mod parser;
mod tree;

pub use parser::{DATA_BLOCKS, MAX_DEPTH, parse};
pub use tree::{Block, Directive, End, File, Node, Part, PartKind, SyntaxError};
