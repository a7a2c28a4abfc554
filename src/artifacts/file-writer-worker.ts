import { parentPort } from 'node:worker_threads';
import { writeIfChanged } from './write.js';
import type { WriterReply, WriterRequest } from './file-writer.js';

// The worker side of FileWriter: writes each batch of files it is sent, in order, then says so.
const dirs = new Map<string, 'created' | 'existing'>();

parentPort!.on('message', (request: WriterRequest) => {
  if (request === 'close') {
    parentPort!.close();
    return;
  }
  let reply: WriterReply = { id: request.id };
  try {
    for (const [file, text] of request.files) writeIfChanged(file, text, dirs);
  } catch (e) {
    reply = { id: request.id, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
