/** A framework's give-up string in place of an answer (LangChain's iteration limit, LangGraph's recursion limit). */
export const GIVE_UP = /Agent stopped due to (?:iteration limit|max iterations)|GraphRecursionError|Recursion limit of \d+ reached/i;
