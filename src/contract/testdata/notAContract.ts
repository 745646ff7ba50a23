/** A module that does not default-export a contract (for loader tests). */
export default { name: 'impostor', transactions: {} };
