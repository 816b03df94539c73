import type { CharacterBrief } from '../../../../core/contracts/ports.js';
import type { Phrasebook } from './phrasebook.js';
import { PARENT_GAP, renamed, standing } from './standing.js';

/** A name said with its title already ("Pak Bima", "Bu Ratna") is an elder's, whatever the ages. */
const TITLED = /^(?:pak|bu|bapak|ibu)\s/iu;
/** Words ending in -mu or -ku that are no "your" or "my": "bertemu", "buku", "kuku". */
const NOT_POSSESSIVE = new Set([
  'bertemu',
  'ketemu',
  'temu',
  'ilmu',
  'jamu',
  'tamu',
  'buku',
  'laku',
  'saku',
  'kuku',
  'paku',
  'suku',
]);
/** Words that begin with ku- and are not "I" doing something: "kunci", "kucing". */
const NOT_FIRST_PERSON = /^ku(?:nci|cing|rang|rus|at|e|ning|rsi|liah|buran|pu|da)/u;

/**
 * Indonesian says "kamu" and "aku" between equals; to an elder, or to someone the story
 * titles Pak or Bu, "you" is Bapak or Ibu (and "your X" is "X Bapak"), "I" is "saya", and the
 * name carries its title.
 */
function addressed(line: string, speaker: CharacterBrief, listener: CharacterBrief): string {
  const { gap, listener: gender } = standing(speaker, listener);
  const titled = TITLED.test(listener.name);
  if (!titled && (gap === undefined || gap < PARENT_GAP)) return line;
  const you = gender === 'female' ? 'Ibu' : 'Bapak';
  const respectful = line
    .replace(/\b[Kk]amu\b/gu, you)
    .replace(/\b([A-Za-z]+)mu\b/gu, (word, stem: string) =>
      NOT_POSSESSIVE.has(word.toLowerCase()) ? word : `${stem} ${you}`,
    )
    .replace(/\baku\b/gu, 'saya')
    .replace(/\bAku\b/gu, 'Saya')
    .replace(/\b([A-Za-z]+)ku\b/gu, (word, stem: string) =>
      NOT_POSSESSIVE.has(word.toLowerCase()) ? word : `${stem} saya`,
    )
    .replace(/\bku([a-z]{3,})\b/gu, (word, rest: string) => (NOT_FIRST_PERSON.test(word) ? word : `saya ${rest}`));
  return titled
    ? respectful
    : renamed(respectful, listener.name, `${gender === 'female' ? 'Bu' : 'Pak'} ${listener.name}`);
}

/** Indonesian is written in plain Latin letters; a place with letters of another script is not said in a line. */
const INDONESIAN_PLACE = /^[A-Za-z0-9][A-Za-z0-9 '’&.-]*$/;

export const idID: Phrasebook = {
  placeFits: (place) => INDONESIAN_PLACE.test(place),
  addressed,
  moods: {
    tender: {
      openers: [
        '{listener}, aku sudah lama sekali menunggumu.',
        '{listener}, kamu tidak kedinginan? Sini, biar kuhangatkan tanganmu.',
        'Akhirnya aku bisa bertemu kamu lagi, {listener}.',
        '{listener}, setiap hari di {place} aku selalu memikirkanmu.',
      ],
      replies: [
        'Aku juga kangen sekali sama kamu.',
        'Ada kamu di sini, aku jadi tenang.',
        'Jangan khawatir, kali ini aku tidak akan pergi lagi.',
        'Kamu kurus sekali. Kamu makan dengan baik, kan?',
        'Melihat kamu tersenyum begini, semuanya terasa sepadan.',
        'Aku sudah janji, kan? Aku sudah pulang.',
      ],
      closers: [
        'Ayo kita pulang, {listener}.',
        'Mulai sekarang, apa pun yang terjadi, kita hadapi bersama.',
        'Iya, ayo. Sebentar lagi gelap.',
      ],
      monologue: [
        'Akhirnya sampai di {place}... kenapa jantungku berdebar begini?',
        'Semoga dia masih menungguku.',
        'Sudah bertahun-tahun, tapi rasanya seperti baru kemarin.',
      ],
    },
    tense: {
      openers: [
        '{listener}, pelan-pelan. Sepertinya ada yang mengikuti kita.',
        '{listener}, kamu dengar suara itu?',
        '{listener}, jujur saja. Apa yang sebenarnya terjadi tadi malam?',
        '{place} sudah tidak aman, {listener}. Kita harus pergi sekarang.',
      ],
      replies: [
        'Jangan menoleh. Jalan saja seperti biasa.',
        'Aku tidak tahu, tapi perasaanku tidak enak.',
        'Kalau kamu menyembunyikan sesuatu, katakan sekarang.',
        'Tunggu... dengar itu? Suara langkah kaki.',
        'Tidak ada waktu lagi. Cepat putuskan.',
        'Aku percaya padamu, tapi kali ini sulit sekali.',
      ],
      closers: [
        'Baik, hitungan ketiga, kita lari.',
        'Hati-hati, jangan sampai ada yang tahu.',
        'Urusan ini belum selesai.',
      ],
      monologue: [
        'Ada yang aneh... terlalu sepi.',
        'Aku harus keluar dari {place} sebelum subuh.',
        'Tenang. Pikirkan baik-baik.',
      ],
    },
    joyful: {
      openers: [
        '{listener}! Aku diterima! Aku benar-benar diterima!',
        '{listener}, lihat ini! Bagus, kan?',
        '{listener}, hari ini aku senang sekali!',
        '{listener}, {place} ramai sekali hari ini!',
      ],
      replies: [
        'Serius? Selamat ya!',
        'Aku sudah tahu kamu pasti bisa!',
        'Harus dirayakan! Hari ini aku yang traktir!',
        'Sudah lama aku tidak melihat kamu tertawa selepas ini.',
        'Aduh, rasanya aku ingin berteriak saking senangnya!',
        'Kabar sebagus ini harus diceritakan ke seluruh keluarga.',
      ],
      closers: [
        'Ayo bersulang! Untuk hari esok yang lebih baik!',
        'Ayo, semua sudah menunggu kita.',
        'Hari ini benar-benar sempurna.',
      ],
      monologue: [
        'Akhirnya aku berhasil!',
        'Tidak kusangka {place} seindah ini.',
        'Andai setiap hari seperti hari ini.',
      ],
    },
    sad: {
      openers: [
        '{listener}... maaf, aku pulang terlambat.',
        '{listener}, jangan menangis lagi.',
        'Kamu benar-benar mau pergi, {listener}?',
        '{listener}, {place} masih sama, tapi orangnya sudah tidak ada.',
      ],
      replies: [
        'Sekarang apa pun yang dikatakan sudah terlambat.',
        'Aku tidak menyalahkanmu. Aku hanya menyesal.',
        'Andai kita punya sedikit lebih banyak waktu.',
        'Aku tidak apa-apa, cuma... sedikit lelah.',
        'Semua orang selalu membicarakanmu.',
        'Ada hal yang lebih baik dilupakan saja.',
      ],
      closers: [
        'Ayo pulang, udaranya mulai dingin.',
        'Bagaimanapun juga... terima kasih sudah tetap di sini.',
        'Semuanya akan berlalu.',
      ],
      monologue: [
        'Andai dulu aku sedikit lebih berani.',
        '{place} masih sama. Hanya aku yang berubah.',
        'Mungkin sudah waktunya merelakan.',
      ],
    },
    comic: {
      openers: [
        '{listener}, kamu lupa bawa kunci lagi?',
        '{listener}, nasinya gosong!',
        'Eh, {listener}, bajumu terbalik, tuh!',
        '{listener}, aku sudah tiga kali berputar-putar di {place}!',
      ],
      replies: [
        'Enggak! Eh... iya deh, memang.',
        'Gampang! Serahkan saja padaku.',
        'Pelankan suaramu, semua orang melihat!',
        'Itu ulah kucing, bukan aku!',
        'Gawat, pasti aku dimarahi Ibu habis-habisan.',
        'Sudah kubilang dari tadi, kamu tidak mau dengar.',
      ],
      closers: [
        'Sudahlah, anggap saja tidak terjadi apa-apa.',
        'Lain kali dengarkan aku!',
        'Lari, sebelum ada yang lihat!',
      ],
      monologue: [
        'Lho... ponselku di mana, ya?',
        'Lagi-lagi, kenapa setiap ke {place} aku sial terus?',
        'Tenang. Anggap saja tidak ada yang melihat.',
      ],
    },
    angry: {
      openers: [
        '{listener}! Jelaskan sekarang juga, apa maksud semua ini?',
        '{listener}, sudah berapa kali aku bilang?',
        'Cukup, {listener}! Aku sudah muak!',
        '{listener}, kamu masih berani datang ke {place}?',
      ],
      replies: [
        'Atas dasar apa kamu bicara begitu padaku?',
        'Aku sudah mengorbankan segalanya untuk keluarga ini!',
        'Jangan limpahkan semua kesalahan padaku!',
        'Kamu tidak pernah mau mendengarkan aku.',
        'Baik, lakukan saja sesukamu!',
        'Coba ulangi sekali lagi!',
      ],
      closers: ['Aku tidak mau melihatmu lagi.', 'Ini belum selesai, ingat itu!', 'Keluar! Biarkan aku sendiri.'],
      monologue: [
        'Kenapa semua orang membohongiku?',
        'Aku tidak tahan lagi!',
        'Kali ini aku tidak akan melepaskan mereka.',
      ],
    },
    default: {
      openers: [
        '{listener}, kamu sudah datang?',
        '{listener}, ada yang ingin kubicarakan.',
        '{listener}, kamu ada waktu sekarang?',
        '{listener}, sudah selarut ini kenapa kamu masih di {place}?',
      ],
      replies: [
        'Iya, aku baru sampai.',
        'Bicara saja, aku mendengarkan.',
        'Biar kupikirkan dulu.',
        'Soal itu aku juga kurang yakin.',
        'Baik, kita lakukan seperti katamu.',
        'Kamu kenapa hari ini? Kelihatannya aneh.',
      ],
      closers: ['Ya sudah, ayo.', 'Jadi begitu saja, ya.', 'Besok kita bicarakan lagi.'],
      monologue: ['Hari yang panjang lagi.', '{place} lagi... entah bagaimana kali ini.', 'Baiklah, ayo mulai.'],
    },
  },
  about: {
    openers: [
      '{listener}, kita perlu bicara soal {thing}.',
      '{listener}, {thing} itu maksudnya apa?',
      'Ini soal {thing}, {listener}.',
    ],
    monologue: ['{thing}... kenapa harus sekarang?', 'Semuanya berawal dari {thing}.'],
  },
};
