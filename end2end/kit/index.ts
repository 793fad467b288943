export * from './api';
export * from './fixtures';
export * from './names';
export * from './pages';
export * from './passkeys';
