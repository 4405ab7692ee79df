-- 0020: the full-text index keeps which spans hold each word, not where in the text
-- (detail = none): search ANDs words and matches the last as a prefix (store/full-text-query.ts),
-- never phrases, so positions were never read. About a third of the index's size and of its
-- cost per ingested span (issue 13). The words already indexed move over: the old index lists
-- them per span (fts5vocab), and words re-tokenise to themselves.

DROP TRIGGER spans_search_forget;

CREATE VIRTUAL TABLE temp.span_search_words USING fts5vocab(main, span_search, instance);
CREATE VIRTUAL TABLE span_search_next USING fts5(body, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO span_search_next (rowid, body) SELECT doc, group_concat(term, ' ') FROM temp.span_search_words GROUP BY doc;
DROP TABLE temp.span_search_words;
DROP TABLE span_search;
ALTER TABLE span_search_next RENAME TO span_search;

CREATE TRIGGER spans_search_forget AFTER DELETE ON spans BEGIN
  DELETE FROM span_search WHERE rowid = old.id;
END;
