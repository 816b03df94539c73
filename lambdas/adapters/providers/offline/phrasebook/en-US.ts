import type { Phrasebook } from './phrasebook.js';

export const enUS: Phrasebook = {
  placeFits: (place) => /^[A-Za-z0-9][A-Za-z0-9 '’&.-]*$/.test(place),
  moods: {
    tender: {
      openers: [
        "{listener}, I've been waiting for you for so long.",
        "{listener}, aren't you cold? Come here.",
        'I finally get to see you again, {listener}.',
        "{place}. I never thought I'd find you here, {listener}.",
      ],
      replies: [
        'I missed you too. So much.',
        "Now that you're here, I can breathe again.",
        "Don't worry. I'm not going anywhere this time.",
        'You look thinner. Have you been eating properly?',
        'Seeing you smile like that makes it all worth it.',
        'I kept my promise. I came back.',
      ],
      closers: [
        "Let's go home, {listener}.",
        'Whatever happens now, we face it together.',
        "Come on. It's getting late.",
      ],
      monologue: [
        "{place}... my heart won't stop racing.",
        "I just hope they're still waiting for me.",
        'All these years, and it still feels like yesterday.',
      ],
    },
    tense: {
      openers: [
        "{listener}, keep your voice down. I think we're being followed.",
        'Did you hear that, {listener}?',
        '{listener}, tell me the truth. What really happened last night?',
        "{place} isn't safe, {listener}. We need to move.",
      ],
      replies: [
        "Don't look back. Just keep walking.",
        "I don't know. But I've got a bad feeling about this.",
        "If you're hiding something from me, now's the time to say it.",
        'Wait... footsteps. Do you hear them?',
        "We're out of time. Make a choice.",
        "I trust you. But this time it's hard.",
      ],
      closers: ['Okay. On three, we run.', "Be careful. Don't let anyone see you.", "This isn't over."],
      monologue: [
        "Something's wrong... It's too quiet.",
        'I have to get out of {place} before dawn.',
        'Stay calm. Think it through.',
      ],
    },
    joyful: {
      openers: [
        '{listener}! I got in! I actually got in!',
        "{listener}, look at this! Isn't it beautiful?",
        "What a day, {listener}! I can't stop smiling!",
        '{listener}, {place} has never felt this alive!',
      ],
      replies: [
        "Really? That's amazing!",
        'I knew you could do it!',
        "We have to celebrate. Tonight's on me!",
        "I haven't seen you smile like that in ages.",
        "I'm so happy I could scream!",
        'News this good, the whole family has to hear it.',
      ],
      closers: ['Come on, a toast! To better days!', "Let's go, everyone's waiting for us.", 'Today is just perfect.'],
      monologue: [
        'I did it! I finally did it!',
        'I never knew {place} could be this beautiful.',
        'If only every day could be like today.',
      ],
    },
    sad: {
      openers: [
        "{listener}... I'm sorry. I came back too late.",
        "{listener}, please don't cry.",
        "So you're really leaving, {listener}?",
        "{place} hasn't changed, {listener}. Only we have.",
      ],
      replies: [
        "It's too late to say anything now.",
        "I don't blame you. It's just such a waste.",
        "If only we'd had a little more time.",
        "I'm fine. Just... a little tired.",
        'Everyone still talks about you, you know.',
        'Some things are better forgotten.',
      ],
      closers: ["Let's go back. It's getting cold.", 'Anyway... thank you for staying.', 'This too shall pass.'],
      monologue: [
        "If only I'd been braver back then.",
        "{place} is just the same. I'm the one who changed.",
        "Maybe it's time to let go.",
      ],
    },
    comic: {
      openers: [
        '{listener}, did you forget your keys again?',
        '{listener}, the rice is burning!',
        'Uh, {listener}? Your shirt is on inside out.',
        "{listener}, I've walked around {place} three times now!",
      ],
      replies: [
        'I did not! Well... okay, maybe I did.',
        'No problem! Leave it to me.',
        'Keep it down, people are staring!',
        'It was the cat, not me!',
        "That's it. Mom is going to kill us.",
        'I told you so, and did you listen? No.',
      ],
      closers: ["Let's just pretend this never happened.", 'Next time, listen to me!', 'Run, before anyone notices!'],
      monologue: [
        'Wait... where did I put my phone?',
        'Again? Why does everything go wrong at {place}?',
        'Stay cool. Nobody saw that.',
      ],
    },
    angry: {
      openers: [
        '{listener}! Explain yourself. What is this?',
        '{listener}, how many times do I have to tell you?',
        "Enough, {listener}! I've had it!",
        "You've got some nerve showing up at {place}, {listener}.",
      ],
      replies: [
        'Who are you to talk to me like that?',
        'I gave everything for this family!',
        "Don't you dare put all the blame on me!",
        'You never once listened to me.',
        'Fine. Do whatever you want, then!',
        'Say that again. I dare you.',
      ],
      closers: ["I don't want to see you ever again.", "This isn't over. Remember that!", 'Get out! Leave me alone.'],
      monologue: ['Why does everyone lie to me?', "I can't take this anymore!", "This time, I won't let it go."],
    },
    default: {
      openers: [
        '{listener}, you made it.',
        "{listener}, there's something I need to tell you.",
        '{listener}, got a minute?',
        '{listener}, what are you doing at {place} at this hour?',
      ],
      replies: [
        'Yeah, I just got here.',
        "Go on. I'm listening.",
        'Let me think about it a little longer.',
        "I'm not so sure about that myself.",
        "All right. We'll do it your way.",
        "What's wrong today? You seem different.",
      ],
      closers: ["Okay, let's go.", "Then it's settled.", "Let's talk again tomorrow."],
      monologue: [
        "It's going to be a long day.",
        "{place} again... I wonder how it'll go this time.",
        "All right. Let's begin.",
      ],
    },
  },
  about: {
    openers: [
      '{listener}, we need to talk about {thing}.',
      '{listener}, tell me the truth about {thing}.',
      "It's about {thing}, {listener}. It always was.",
    ],
    monologue: ['{thing}... why now?', 'It all comes back to {thing}.'],
  },
};
