//! Spring profile expressions (`spring.config.activate.on-profile`), as
//! Spring Framework's `ProfilesParser` reads them: names, `!`, `&`, `|`
//! and parentheses; `&` and `|` may not be mixed without parentheses; a
//! list matches when any of its expressions does.

/// Whether any of `expressions` matches the `active` profiles. `Err` for a
/// malformed expression (Spring refuses to start).
pub fn any_matches(expressions: &[String], active: &[String]) -> Result<bool, String> {
    for expression in expressions {
        let tokens = tokenize(expression);
        let mut parser = Parser { tokens: &tokens, at: 0, active };
        let value = parser.expression()?;
        if parser.at != tokens.len() {
            return Err(malformed(expression));
        }
        if value {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A comma-separated profile list, trimmed, empty items dropped
/// (`StringUtils.commaDelimitedListToStringArray` + trim).
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn malformed(expression: &str) -> String {
    format!("malformed profile expression `{expression}`")
}

#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Name(&'a str),
    Not,
    And,
    Or,
    Open,
    Close,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let token = match c {
            '!' => Some(Token::Not),
            '&' => Some(Token::And),
            '|' => Some(Token::Or),
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            c if c.is_whitespace() => None,
            _ => {
                start.get_or_insert(i);
                continue;
            }
        };
        if let Some(s) = start.take() {
            tokens.push(Token::Name(&text[s..i]));
        }
        tokens.extend(token);
    }
    if let Some(s) = start {
        tokens.push(Token::Name(&text[s..]));
    }
    tokens
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    at: usize,
    active: &'t [String],
}

impl Parser<'_, '_> {
    fn expression(&mut self) -> Result<bool, String> {
        let mut value = self.operand()?;
        let mut operator = None;
        while let Some(token @ (Token::And | Token::Or)) = self.tokens.get(self.at) {
            if operator.is_some_and(|op| op != token) {
                return Err("malformed profile expression: `&` and `|` mixed without parentheses".to_owned());
            }
            operator = Some(token);
            self.at += 1;
            let right = self.operand()?;
            value = if *token == Token::And { value && right } else { value || right };
        }
        Ok(value)
    }

    fn operand(&mut self) -> Result<bool, String> {
        let token = self.tokens.get(self.at).ok_or("malformed profile expression: an operand is missing")?;
        self.at += 1;
        match token {
            Token::Name(name) => Ok(self.active.iter().any(|p| p == name)),
            Token::Not => self.operand().map(|v| !v),
            Token::Open => {
                let value = self.expression()?;
                if self.tokens.get(self.at) != Some(&Token::Close) {
                    return Err("malformed profile expression: `(` is not closed".to_owned());
                }
                self.at += 1;
                Ok(value)
            }
            Token::And | Token::Or | Token::Close => {
                Err("malformed profile expression: unexpected operator".to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(expression: &str, active: &[&str]) -> Result<bool, String> {
        let active: Vec<String> = active.iter().map(|s| (*s).to_owned()).collect();
        any_matches(&[expression.to_owned()], &active)
    }

    #[test]
    fn expressions() {
        assert_eq!(check("prod", &["prod"]), Ok(true));
        assert_eq!(check("prod", &["dev"]), Ok(false));
        assert_eq!(check("!prod", &["dev"]), Ok(true));
        assert_eq!(check("prod & cloud", &["prod"]), Ok(false));
        assert_eq!(check("prod&cloud", &["cloud", "prod"]), Ok(true));
        assert_eq!(check("prod | dev", &["dev"]), Ok(true));
        assert_eq!(check("(prod & cloud) | dev", &["dev"]), Ok(true));
        assert_eq!(check("!(prod | dev)", &["qa"]), Ok(true));
        assert!(check("a & b | c", &[]).is_err());
        assert!(check("(a", &[]).is_err());
        assert!(check("a b", &[]).is_err());
        assert!(check("&", &[]).is_err());
        assert_eq!(any_matches(&["dev".into(), "prod".into()], &["prod".into()]), Ok(true));
    }

    #[test]
    fn lists() {
        assert_eq!(split_list(" prod, cloud ,,"), ["prod", "cloud"]);
        assert!(split_list("").is_empty());
    }
}
