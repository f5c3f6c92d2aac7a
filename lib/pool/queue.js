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

  /** Back at the front: a task its crashed worker had not taken. */
  unshift(task) {
    task.next = this.head;
    task.prev = null;
    if (this.head === null) this.tail = task;
    else this.head.prev = task;
    this.head = task;
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


const PRIORITIES = ['high', 'normal', 'low'];
/**
 * Aging: a task that has seen this many dispatches from the queue since it
 * was queued is taken before any higher lane, so a low task never waits for
 * ever under constant high load.
 */
const AGE_LIMIT = 32;

/** Three FIFO lanes, highest first, with aging. */
class PriorityQueue {
  constructor() {
    this.lanes = [new TaskQueue(), new TaskQueue(), new TaskQueue()];
    this.size = 0;
    this.dispatches = 0;
  }

  push(task) {
    task.seq = this.dispatches;
    this.lanes[task.lane].push(task);
    this.size++;
  }

  unshift(task) {
    this.lanes[task.lane].unshift(task);
    this.size++;
  }

  shift() {
    const pick = this.peek();
    if (pick === null) return null;
    this.remove(pick);
    this.dispatches++;
    return pick;
  }

  /** The task shift() would return next, left in place. */
  peek() {
    if (this.size === 0) return null;
    const lanes = this.lanes;
    // The longest-starved lane head, if any has waited AGE_LIMIT dispatches.
    let pick = null;
    for (let i = 1; i < lanes.length; i++) {
      const head = lanes[i].head;
      if (head !== null && this.dispatches - head.seq >= AGE_LIMIT &&
          (pick === null || head.seq < pick.seq)) pick = head;
    }
    if (pick === null) {
      for (let i = 0; pick === null; i++) pick = lanes[i].head;
    }
    return pick;
  }

  remove(task) {
    if (!task.queued) return;
    this.lanes[task.lane].remove(task);
    this.size--;
  }
}

/** piscina's TaskQueue interface: { size, push, shift, remove }. */
function isTaskQueue(v) {
  return v !== null && typeof v === 'object' && 'size' in v &&
    typeof v.push === 'function' && typeof v.shift === 'function' &&
    typeof v.remove === 'function';
}

/**
 * A user's taskQueue (piscina's option) behind the pool's queue interface.
 * It decides the order; priority lanes do not apply. peek() is null: the
 * pool then never fills a busy worker from it.
 */
class CustomQueue {
  constructor(queue) {
    this.q = queue;
  }

  get size() {
    return this.q.size;
  }

  push(task) {
    task.queued = true;
    this.q.push(task);
  }

  shift() {
    const task = this.q.shift();
    if (task === null || task === undefined) return null;
    task.queued = false;
    return task;
  }

  peek() {
    return null;
  }

  unshift(task) {
    this.push(task);
  }

  remove(task) {
    if (!task.queued) return;
    task.queued = false;
    this.q.remove(task);
  }
}

module.exports = {
  TaskQueue, PriorityQueue, CustomQueue, isTaskQueue, PRIORITIES, AGE_LIMIT,
};
