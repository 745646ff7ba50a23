import { open } from 'lmdb';
import fs from 'node:fs';
const file = '/tmp/lmdbexp/t.lmdb';
try { fs.rmSync(file); fs.rmSync(file+'-lock'); } catch {}
const root = open({ path: file, noSubdir: true, maxDbs: 8 });
const db = root.openDB('x', { keyEncoding: 'binary', encoding: 'binary' });
const other = root.openDB('y', { keyEncoding: 'binary', encoding: 'binary' });
const marker = 'MARKER-' + Math.random().toString(36).slice(2);
const sz = Number(process.argv[2] ?? 40);
const val = Buffer.from(marker + 'x'.repeat(sz));
for (let i=0;i<50;i++) root.transactionSync(()=>{ other.putSync(Buffer.from('k'+i), Buffer.alloc(100, i)); });
root.transactionSync(()=>{ db.putSync(Buffer.from('a'), val); db.putSync(Buffer.from('b'), Buffer.from('other')); });
const count = () => { const b = fs.readFileSync(file); let c=0, i=0; while((i=b.indexOf(marker, i))>=0){c++; i++;} return c; };
console.log('after put', count());
root.transactionSync(()=>{ db.putSync(Buffer.from('a'), Buffer.alloc(val.length)); });
root.transactionSync(()=>{ db.removeSync(Buffer.from('a')); });
console.log('after zero+delete', count());
for (let i=0;i<10;i++) { root.transactionSync(()=>{ other.putSync(Buffer.from('z'+i), Buffer.alloc(100, i)); }); console.log('after extra', i, count()); }
await root.close();
console.log('closed', count());
