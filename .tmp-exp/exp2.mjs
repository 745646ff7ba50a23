import { open } from 'lmdb';
import fs from 'node:fs';
const file = '/tmp/lmdbexp/t2.lmdb';
fs.mkdirSync('/tmp/lmdbexp', {recursive:true});
try { fs.rmSync(file); fs.rmSync(file+'-lock'); } catch {}
const root = open({ path: file, noSubdir: true, maxDbs: 8 });
const db = root.openDB('x', { keyEncoding: 'binary', encoding: 'binary' });
const other = root.openDB('y', { keyEncoding: 'binary', encoding: 'binary' });
const marker = 'MARKER-' + Math.random().toString(36).slice(2);
const val = Buffer.from(marker + 'x'.repeat(40));
// churn to create lots of free pages
for (let i=0;i<2000;i++) root.transactionSync(()=>{ other.putSync(Buffer.from('k'+(i%300)), Buffer.alloc(300, i)); if (i%7==0) other.removeSync(Buffer.from('k'+((i*13)%300))); });
for (let i=0;i<100;i++) root.transactionSync(()=>{ db.putSync(Buffer.from('a'+i), Buffer.from('v'+i)); });
root.transactionSync(()=>{ db.putSync(Buffer.from('a50'), val); });
const count = () => { const b = fs.readFileSync(file); let c=0, i=0; while((i=b.indexOf(marker, i))>=0){c++; i++;} return c; };
for (let i=0;i<5;i++) root.transactionSync(()=>{ other.putSync(Buffer.from('q'+i), Buffer.alloc(100, i)); });
console.log('after put', count(), fs.statSync(file).size);
// a long snapshot read
const it = db.getRange({ snapshot: true })[Symbol.iterator](); it.next();
root.transactionSync(()=>{ db.removeSync(Buffer.from('a50')); });
console.log('after delete', count());
for (let i=0;i<10;i++) { root.transactionSync(()=>{ other.putSync(Buffer.from('z'+i), Buffer.alloc(100, i)); }); console.log('after extra', i, count()); }
it.return?.();
for (let i=0;i<10;i++) { root.transactionSync(()=>{ other.putSync(Buffer.from('w'+i), Buffer.alloc(100, i)); }); console.log('after extra (reader closed)', i, count()); }
await root.close();
console.log('closed', count());
