'use strict';
// FIFO of tasks waiting for a worker. Intrusive and doubly linked, so an
// aborted task leaves the queue at once (workerpool#39: a cancelled task
// must not stall the ones behind it).

class TaskQueue {
  constructor() {
    this.head = null;
    this.tail = null;
    this.size = 0;
  }

  push(task) {
    task.prev = this.tail;
    task.next = null;
    if (this.tail === null) this.head = task;
    else this.tail.next = task;
    this.tail = task;
    task.queued = true;
    this.size++;
  }

  shift() {
    const task = this.head;
    if (task !== null) this.remove(task);
    return task;
  }

  remove(task) {
    if (!task.queued) return;
    if (task.prev === null) this.head = task.next;
    else task.prev.next = task.next;
    if (task.next === null) this.tail = task.prev;
    else task.next.prev = task.prev;
    task.prev = task.next = null;
    task.queued = false;
    this.size--;
  }
}

module.exports = { TaskQueue };
