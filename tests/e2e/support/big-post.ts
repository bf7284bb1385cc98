/** The second e2e board (playwright.config.ts): one post of this many comments, seeded through the store at start. */
export const BIG_POST_COMMENTS = 20_000;
export const BIG_POST_ID = 'big-watch-along';
export const bigBoardURL = () => `http://127.0.0.1:${process.env.E2E_BIG_PORT}`;
