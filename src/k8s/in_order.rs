//! Lists read at once, handed on in the order of the lists: what the first unfinished list
//! reads goes on as it arrives, what a later list reads waits until the lists before it
//! are done. `list_top_level` reads a phase's kinds concurrently and still reports them
//! kind by kind, and what is handed on is not held (explain-pod -A writes it out).

use std::cell::RefCell;

/// Items from `lists` sources, handed to `take` in source order. Shared by the futures of
/// one `join!`, which run on one thread: the `RefCell` is never borrowed across an await.
pub(super) struct InOrder<U, T> {
    state: RefCell<State<U, T>>,
}

struct State<U, T> {
    take: T,
    /// The first list not finished: its items go straight to `take`.
    current: usize,
    finished: Vec<bool>,
    /// Items of later lists, waiting for the lists before them.
    waiting: Vec<Vec<U>>,
}

impl<U, T: FnMut(usize, U)> InOrder<U, T> {
    pub(super) fn new(lists: usize, take: T) -> Self {
        InOrder {
            state: RefCell::new(State {
                take,
                current: 0,
                finished: vec![false; lists],
                waiting: (0..lists).map(|_| Vec::new()).collect(),
            }),
        }
    }

    /// An item of list `list`.
    pub(super) fn push(&self, list: usize, item: U) {
        let state = &mut *self.state.borrow_mut();
        if list == state.current {
            (state.take)(list, item);
        } else {
            state.waiting[list].push(item);
        }
    }

    /// List `list` read its last item: the lists after it that waited go on.
    pub(super) fn finish(&self, list: usize) {
        let state = &mut *self.state.borrow_mut();
        state.finished[list] = true;
        while state.current < state.finished.len() && state.finished[state.current] {
            state.current += 1;
            if let Some(waiting) = state.waiting.get_mut(state.current) {
                for item in std::mem::take(waiting) {
                    (state.take)(state.current, item);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(steps: &[(usize, Option<char>)], lists: usize) -> Vec<(usize, char)> {
        let mut seen = Vec::new();
        let order = InOrder::new(lists, |list: usize, item: char| seen.push((list, item)));
        for (list, item) in steps {
            match item {
                Some(item) => order.push(*list, *item),
                None => order.finish(*list),
            }
        }
        drop(order);
        seen
    }

    #[test]
    fn later_lists_wait_for_the_earlier_ones() {
        let steps = [
            (1, Some('b')),
            (0, Some('a')),
            (2, Some('c')),
            (1, Some('B')),
            (0, None),
            (2, Some('C')),
            (1, None),
            (2, None),
        ];
        assert_eq!(
            taken(&steps, 3),
            [(0, 'a'), (1, 'b'), (1, 'B'), (2, 'c'), (2, 'C')]
        );
    }

    #[test]
    fn a_list_finished_early_goes_on_when_its_turn_comes() {
        let steps = [
            (2, Some('c')),
            (2, None),
            (1, None),
            (0, Some('a')),
            (0, None),
        ];
        assert_eq!(taken(&steps, 3), [(0, 'a'), (2, 'c')]);
    }
}
