//! Deterministic mutations of a CSDL document, for robustness runs: every stage must turn any
//! input into diagnostics, never a panic. Used by the no-panic test and `cargo xtask fuzz`.

/// A small deterministic generator (SplitMix64), so a failing input is found again from its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

const SIGNIFICANT: &[&[u8]] = &[
    b"<",
    b">",
    b"/",
    b"\"",
    b"=",
    b"&",
    b";",
    b"(",
    b")",
    b".",
    b"\xff",
    b"Collection(",
    b"<!DOCTYPE x [<!ENTITY a \"b\">]>",
    b"&amp;",
    b"&#0;",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"-->",
    b"Edm.",
    b"true",
    b"maybe",
    b"-1",
    b"99999999999999999999",
    b"<Schema Namespace=\"x\">",
    b"<EntityType Name=\"e\" BaseType=\"x.e\">",
    b"<Property Name=\"p\" Type=\"x.e\" />",
    b"</Schema>",
    b"self.",
    b"graph.",
    b"Type=\"Collection(graph.entity)\"",
    b"Nullable=\"false\"",
    b"IsFlags=\"true\"",
];

/// One mutation of `input`: a byte changed, a span deleted, duplicated or moved, a cut, or a
/// fragment of XML syntax inserted.
pub fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = out.len();
        let at = rng.below(len + 1);
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next_u64() as u8;
            }
            1 => {
                let end = (at + 1 + rng.below(200)).min(len);
                out.drain(at..end);
            }
            2 => {
                let end = (at + 1 + rng.below(400)).min(len);
                let span = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, span);
            }
            3 => out.truncate(at),
            4 => {
                let frag = SIGNIFICANT[rng.below(SIGNIFICANT.len())];
                out.splice(at..at, frag.iter().copied());
            }
            5 => {
                // Swap two attribute values: the most likely way to make types and names disagree.
                let quotes: Vec<usize> = out.iter().enumerate().filter(|(_, &b)| b == b'"').map(|(i, _)| i).collect();
                if quotes.len() >= 4 {
                    let a = rng.below(quotes.len() / 2) * 2;
                    let b = rng.below(quotes.len() / 2) * 2;
                    let (a, b) = (a.min(b), a.max(b));
                    if a != b && quotes[a + 1] < quotes[b] {
                        let va = out[quotes[a] + 1..quotes[a + 1]].to_vec();
                        let vb = out[quotes[b] + 1..quotes[b + 1]].to_vec();
                        out.splice(quotes[b] + 1..quotes[b + 1], va);
                        out.splice(quotes[a] + 1..quotes[a + 1], vb);
                    }
                }
            }
            _ => {
                let end = (at + rng.below(100)).min(len);
                let to = rng.below(len + 1);
                if to > end || to < at {
                    let span: Vec<u8> = out[at..end].to_vec();
                    if to > end {
                        out.splice(to..to, span);
                        out.drain(at..end);
                    } else {
                        out.drain(at..end);
                        out.splice(to..to, span);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_change_the_input() {
        let input = br#"<a x="1" y="2"><b z="3"/></a>"#;
        let (mut r1, mut r2) = (Rng::new(7), Rng::new(7));
        let mut changed = 0;
        for _ in 0..50 {
            let a = mutate(input, &mut r1);
            assert_eq!(a, mutate(input, &mut r2));
            changed += usize::from(a != input);
        }
        assert!(changed > 40, "{changed}");
    }
}
