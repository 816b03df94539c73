import type { Phrasebook } from './phrasebook.js';

/** Malay is written in plain Latin letters (Rumi); a place in another script is not said in a line. */
const MALAY_PLACE = /^[A-Za-z0-9][A-Za-z0-9 '’&.-]*$/;

export const msMY: Phrasebook = {
  placeFits: (place) => MALAY_PLACE.test(place),
  moods: {
    tender: {
      openers: [
        '{listener}, dah lama aku tunggu kau.',
        '{listener}, kau tak sejuk ke? Mari sini, aku panaskan tangan kau.',
        'Akhirnya dapat juga aku jumpa kau lagi, {listener}.',
        '{listener}, setiap hari di {place}, aku asyik teringatkan kau.',
      ],
      replies: [
        'Aku pun rindu sangat dengan kau.',
        'Bila kau ada di sini, hati aku tenang.',
        'Jangan risau, kali ini aku takkan pergi ke mana-mana lagi.',
        'Kau dah kurus sangat. Kau makan cukup tak?',
        'Tengok kau senyum macam ni, semuanya berbaloi.',
        'Aku dah janji, kan? Aku dah balik.',
      ],
      closers: [
        'Jom kita balik, {listener}.',
        'Mulai hari ini, apa pun yang berlaku, kita hadapi bersama.',
        'Ya, jomlah. Hari dah nak gelap.',
      ],
      monologue: [
        'Sampai juga di {place}... kenapa jantung aku berdebar-debar?',
        'Harap-harap dia masih menunggu aku.',
        'Dah bertahun-tahun, tapi rasa macam baru semalam.',
      ],
    },
    tense: {
      openers: [
        '{listener}, perlahan sikit. Rasanya ada orang ikut kita.',
        '{listener}, kau dengar bunyi tu?',
        '{listener}, cakap terus terang. Apa sebenarnya jadi malam tadi?',
        '{place} dah tak selamat, {listener}. Kita kena pergi sekarang.',
      ],
      replies: [
        'Jangan toleh belakang. Jalan macam biasa.',
        'Aku tak tahu, tapi aku rasa tak sedap hati.',
        'Kalau kau sorokkan sesuatu daripada aku, cakap sekarang.',
        'Tunggu... kau dengar tak? Bunyi tapak kaki.',
        'Dah tak ada masa. Cepat buat keputusan.',
        'Aku percaya kau, tapi kali ni memang susah.',
      ],
      closers: [
        'Baik, kira sampai tiga, kita lari.',
        'Hati-hati, jangan sampai orang nampak.',
        'Hal ni belum selesai lagi.',
      ],
      monologue: [
        'Pelik... sunyi sangat.',
        'Aku mesti keluar dari {place} sebelum subuh.',
        'Bertenang. Fikir elok-elok.',
      ],
    },
    joyful: {
      openers: [
        '{listener}! Aku dapat! Aku betul-betul dapat!',
        '{listener}, tengok ni! Cantik, kan?',
        '{listener}, hari ni aku gembira sangat!',
        '{listener}, meriahnya {place} hari ni!',
      ],
      replies: [
        'Betul ke? Tahniah!',
        'Aku dah tahu kau mesti boleh!',
        'Kena raikan ni! Hari ni aku belanja!',
        'Dah lama aku tak nampak kau ketawa macam ni.',
        'Aduh, rasa macam nak menjerit sebab gembira sangat!',
        'Berita baik macam ni, kena beritahu satu keluarga.',
      ],
      closers: [
        'Mari, angkat gelas! Untuk hari esok yang lebih baik!',
        'Jom, semua orang tengah tunggu kita.',
        'Hari ni memang sempurna.',
      ],
      monologue: [
        'Akhirnya aku berjaya!',
        'Tak sangka {place} secantik ini.',
        'Alangkah baiknya kalau setiap hari macam hari ni.',
      ],
    },
    sad: {
      openers: [
        '{listener}... maaf, aku balik lambat.',
        '{listener}, janganlah menangis lagi.',
        'Kau betul-betul nak pergi ke, {listener}?',
        '{listener}, {place} masih sama, tapi orangnya dah tiada.',
      ],
      replies: [
        'Sekarang cakap apa pun dah terlambat.',
        'Aku tak salahkan kau. Cuma rasa terkilan.',
        'Kalaulah kita ada sedikit lagi masa.',
        'Aku tak apa-apa, cuma... penat sikit.',
        'Semua orang selalu sebut nama kau.',
        'Ada perkara yang lebih baik dilupakan saja.',
      ],
      closers: [
        'Jom balik, cuaca dah mula sejuk.',
        'Apa-apa pun... terima kasih sebab masih di sini.',
        'Semuanya akan berlalu.',
      ],
      monologue: [
        'Kalaulah dulu aku lebih berani sedikit.',
        '{place} masih sama. Cuma aku yang dah berubah.',
        'Mungkin dah tiba masanya untuk melepaskan.',
      ],
    },
    comic: {
      openers: [
        '{listener}, kau lupa bawa kunci lagi ke?',
        '{listener}, nasi dalam periuk dah hangus!',
        'Eh, {listener}, baju kau terbalik tu!',
        '{listener}, dah tiga kali aku pusing keliling {place}!',
      ],
      replies: [
        'Mana ada! Err... yalah, memang betul.',
        'Senang saja! Serahkan pada aku.',
        'Perlahankan suara, semua orang tengok!',
        'Kucing yang buat, bukan aku!',
        'Habislah, mesti kena marah dengan mak nanti.',
        'Aku dah cakap awal-awal, kau tak nak dengar.',
      ],
      closers: [
        'Sudahlah, anggap saja tak ada apa-apa berlaku.',
        'Lain kali dengar cakap aku!',
        'Lari cepat, sebelum orang nampak!',
      ],
      monologue: [
        'Eh... mana telefon aku?',
        'Lagi sekali, kenapa setiap kali ke {place} aku malang?',
        'Bertenang. Anggap saja tak ada orang nampak.',
      ],
    },
    angry: {
      openers: [
        '{listener}! Terangkan sekarang juga, apa semua ni?',
        '{listener}, dah berapa kali aku cakap?',
        'Cukup, {listener}! Aku dah muak!',
        '{listener}, kau masih berani datang ke {place}?',
      ],
      replies: [
        'Apa hak kau cakap macam tu dengan aku?',
        'Aku dah korbankan segala-galanya untuk keluarga ni!',
        'Jangan salahkan aku seorang saja!',
        'Kau tak pernah nak dengar cakap aku.',
        'Baiklah, buatlah ikut suka hati kau!',
        'Cuba cakap sekali lagi!',
      ],
      closers: ['Aku tak nak tengok muka kau lagi.', 'Hal ni belum habis, ingat tu!', 'Keluar! Biar aku seorang diri.'],
      monologue: ['Kenapa semua orang nak tipu aku?', 'Aku dah tak tahan lagi!', 'Kali ni aku takkan lepaskan mereka.'],
    },
    default: {
      openers: [
        '{listener}, kau dah sampai?',
        '{listener}, ada perkara aku nak bincang.',
        '{listener}, kau ada masa sekarang?',
        '{listener}, dah lewat malam ni, kenapa kau masih di {place}?',
      ],
      replies: [
        'Ya, aku baru sampai.',
        'Cakaplah, aku dengar.',
        'Biar aku fikir dulu.',
        'Pasal tu aku pun tak berapa pasti.',
        'Baik, kita buat macam yang kau cakap.',
        'Kenapa dengan kau hari ni? Nampak lain macam.',
      ],
      closers: ['Okey, jom.', 'Kalau macam tu, kita setuju.', 'Esok kita sambung.'],
      monologue: ['Satu hari yang panjang lagi.', '{place} lagi... entah apa jadi kali ni.', 'Baiklah, mari mula.'],
    },
  },
  about: {
    openers: [
      '{listener}, kita perlu bercakap tentang {thing}.',
      '{listener}, apa maksud {thing} itu?',
      'Ini tentang {thing}, {listener}.',
    ],
    monologue: ['{thing}... kenapa sekarang?', 'Semuanya bermula dari {thing}.'],
  },
};
